/**
 * What git's User-Agent tells about the installing machine. git sends "git/<version>", and
 * platform builds decorate it: Git for Windows "git/2.43.0.windows.1", Apple's "git/2.39.3
 * (Apple Git-145)". Plain Linux builds say nothing, so os is null unless the agent names it.
 */
export type GitOs = 'windows' | 'macos' | 'linux';

export function gitVersion(userAgent: string): string | null {
  const match = /^git\/(\d{1,4}(?:\.\d{1,6}){0,3})/i.exec(userAgent);
  return match ? (match[1] as string) : null;
}

export function gitOs(userAgent: string): GitOs | null {
  const ua = userAgent.toLowerCase();
  if (/windows|win32|win64|mingw|msys|cygwin/.test(ua)) return 'windows';
  if (/apple git|darwin|mac ?os|macintosh/.test(ua)) return 'macos';
  if (/linux|ubuntu|debian|fedora/.test(ua)) return 'linux';
  return null;
}
