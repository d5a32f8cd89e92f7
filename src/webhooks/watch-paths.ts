import picomatch from 'picomatch';

/** Commit messages that ask for no deployment, as the CI services spell them. */
const SKIP_KEYWORDS = ['[skip ci]', '[ci skip]', '[no ci]', '[skip actions]', '[actions skip]'];

export function skipKeyword(message: string | null | undefined): string | null {
  const lower = (message ?? '').toLowerCase();
  return SKIP_KEYWORDS.find((keyword) => lower.includes(keyword)) ?? null;
}

/**
 * Whether a push that changed `files` concerns an application watching `globs`: some file matches a glob and no
 * `!`-glob excludes it. No globs: every push does.
 */
export function touchesWatchPaths(globs: string[], files: string[]): boolean {
  if (globs.length === 0) return true;
  const include = globs.filter((glob) => !glob.startsWith('!'));
  const exclude = globs.filter((glob) => glob.startsWith('!')).map((glob) => glob.slice(1));
  const included = picomatch(include.length ? include : ['**'], { dot: true });
  const excluded = exclude.length ? picomatch(exclude, { dot: true }) : () => false;
  return files.some((file) => included(file) && !excluded(file));
}
