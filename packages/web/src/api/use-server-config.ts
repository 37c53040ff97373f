import { useEffect, useState } from 'react';
import { useApi } from './api-context';
import type { ApiClient } from './client';
import { DEFAULT_SERVER_CONFIG, type ServerConfig } from './server-config';

const loaded = new WeakMap<ApiClient, Promise<ServerConfig>>();

/** The server's limits and settings, asked once per client; the defaults until they arrive. */
export function useServerConfig(): ServerConfig {
  const api = useApi();
  const [config, setConfig] = useState<ServerConfig>(DEFAULT_SERVER_CONFIG);
  useEffect(() => {
    let live = true;
    let request = loaded.get(api);
    if (!request) {
      request = api.getConfig();
      loaded.set(api, request);
    }
    request.then((c) => live && setConfig(c)).catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api]);
  return config;
}
