import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The SDK's platform packages that may hold the bundled binary, best match first. */
export function platformPackages(platform: string = process.platform, arch: string = process.arch): string[] {
  const base = '@anthropic-ai/claude-agent-sdk';
  if (platform === 'linux') return [`${base}-linux-${arch}`, `${base}-linux-${arch}-musl`];
  return [`${base}-${platform}-${arch}`];
}

/**
 * The Claude Code binary that ships with the Agent SDK as a platform package; fanout runs it as
 * `claude mcp serve`. Resolved from the installed packages, never from PATH.
 */
export function bundledClaudeBinary(): string {
  const require = createRequire(import.meta.url);
  const exe = process.platform === 'win32' ? 'claude.exe' : 'claude';
  const tried: string[] = [];
  for (const pkg of platformPackages()) {
    tried.push(pkg);
    try {
      const binary = join(dirname(require.resolve(`${pkg}/package.json`)), exe);
      if (existsSync(binary)) return binary;
    } catch {
      // not installed for this platform
    }
  }
  throw new Error(`the bundled Claude Code binary was not found (looked in ${tried.join(', ')})`);
}
