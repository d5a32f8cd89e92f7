import { mkdir, readdir, rm, statfs } from 'node:fs/promises';
import path from 'node:path';

export interface Workspace {
  /** The checkout, and the build's working directory. */
  source: string;
  /** The build's HOME: caches and dotfiles it writes stay inside the workspace. */
  home: string;
  remove(): Promise<void>;
}

export class WorkspaceDiskFullError extends Error {
  constructor(freeBytes: number, minFreeBytes: number) {
    super(`Only ${Math.floor(freeBytes / 1048576)} MiB free where deployments run (at least ${Math.floor(minFreeBytes / 1048576)} MiB needed)`);
    this.name = 'WorkspaceDiskFullError';
  }
}

/** A fresh, empty workspace for one deployment, refused when the disk is nearly full. */
export async function createWorkspace(root: string, deploymentId: string, minFreeBytes: number): Promise<Workspace> {
  await mkdir(root, { recursive: true });
  const disk = await statfs(root);
  const free = disk.bavail * disk.bsize;
  if (free < minFreeBytes) throw new WorkspaceDiskFullError(free, minFreeBytes);
  const dir = path.join(root, deploymentId);
  await rm(dir, { recursive: true, force: true });
  const workspace = { source: path.join(dir, 'source'), home: path.join(dir, 'home') };
  await mkdir(workspace.source, { recursive: true, mode: 0o700 });
  await mkdir(workspace.home, { recursive: true, mode: 0o700 });
  return { ...workspace, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Removes workspaces left behind by deployments that are not running (a crash skips the clean-up). */
export async function removeLeftoverWorkspaces(root: string, isRunning: (deploymentIds: string[]) => Promise<Set<string>>): Promise<number> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return 0;
  }
  const running = await isRunning(entries);
  const leftovers = entries.filter((entry) => !running.has(entry));
  await Promise.all(leftovers.map((entry) => rm(path.join(root, entry), { recursive: true, force: true })));
  return leftovers.length;
}
