import type { WireBranchRestriction } from './wire.js';

/** Restriction kinds that make a branch protected: who may push, force-push, delete or merge into it. */
const PROTECTING_KINDS = new Set(['push', 'force', 'delete', 'restrict_merges']);

/**
 * Whether a branch is protected, from the repository's branch restrictions with `branch_match_kind: glob`
 * (`*` matches any run of characters, every other character itself). Restrictions that match through the
 * branching model (`branch_type`) are not resolved: that would need the branching model as well.
 */
export function protectionMatcher(restrictions: readonly WireBranchRestriction[]): (name: string) => boolean {
  const patterns: RegExp[] = [];
  for (const restriction of restrictions) {
    if (!PROTECTING_KINDS.has(restriction.kind) || restriction.branch_match_kind !== 'glob' || !restriction.pattern) continue;
    patterns.push(new RegExp(`^${restriction.pattern.split('*').map(escapeRegExp).join('.*')}$`, 's'));
  }
  return (name) => patterns.some((pattern) => pattern.test(name));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
