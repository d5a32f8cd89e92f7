import type { MemberRole } from '../generated/prisma/enums.js';

/** Who is asking: the API key's user, acting in the key's organization with their role there. */
export interface Viewer {
  userId: string;
  organizationId: string;
  role: MemberRole;
  apiKeyId: string;
}

export function isManager(viewer: Viewer): boolean {
  return viewer.role === 'OWNER' || viewer.role === 'ADMIN';
}
