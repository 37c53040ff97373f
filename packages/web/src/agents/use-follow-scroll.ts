import { useEffect, useLayoutEffect, useState } from 'react';

const NEAR_BOTTOM_PX = 120;

function nearBottom(): boolean {
  const { scrollHeight } = document.documentElement;
  return window.innerHeight + window.scrollY >= scrollHeight - NEAR_BOTTOM_PX;
}

/**
 * Keeps the page scrolled to the newest message while `active` and the reader stays at the bottom;
 * scrolling up stops following, scrolling back down (or `follow()`) resumes it.
 */
export function useFollowScroll(count: number, active: boolean): { following: boolean; follow: () => void } {
  const [following, setFollowing] = useState(true);

  useEffect(() => {
    if (!active) return;
    const onScroll = () => setFollowing(nearBottom());
    window.addEventListener('scroll', onScroll, { passive: true });
    return () => window.removeEventListener('scroll', onScroll);
  }, [active]);

  useLayoutEffect(() => {
    if (active && following && count > 0) window.scrollTo({ top: document.documentElement.scrollHeight });
  }, [active, following, count]);

  const follow = () => {
    setFollowing(true);
    window.scrollTo({ top: document.documentElement.scrollHeight, behavior: 'smooth' });
  };
  return { following, follow };
}
