import { ForgeAddressNotAllowedError, ForgeError, ForgeMisconfiguredError, ForgeNotFoundError } from '../providers/errors.js';
import { ManifestCodeRejectedError, SETUP_PATH } from '../providers/github/manifest.js';
import { DomainError, NotAllowedError, NotFoundError, ValidationError } from '../resolvers/errors.js';
import {
  completeGitHubAppCreation,
  completeGitHubAppInstallation,
  MANIFEST_PAGE_PATH,
  manifestFormFor,
} from '../resolvers/github-app-creation.js';
import { OAuthStateError } from '../resolvers/oauth-states.js';
import type { RouteDeps } from './deps.js';
import { formPage, linkPage, resultPage } from './pages.js';
import type { Route } from './route.js';

const CODE = /^[A-Za-z0-9_.-]{1,256}$/;
const INSTALLATION_ID = /^[1-9][0-9]{0,18}$/;

/**
 * The GitHub App browser flow:
 * - GET /api/github/manifest?state=…  a page whose button posts the manifest to GitHub (what
 *   startGitHubAppCreation returned, for people without a form of their own).
 * - GET /api/github/setup?code=…&state=…  GitHub's redirect after creating the App (the manifest's redirect_url).
 * - GET /api/github/setup?installation_id=…&setup_action=install|update&state=…  its redirect after installing
 *   the App (the manifest's setup_url).
 * Every answer is a small page; a refusal changes nothing and never shows a secret or an internal error.
 */
export function gitHubSetupRoutes(deps: RouteDeps): Route[] {
  return [
    { method: 'GET', path: MANIFEST_PAGE_PATH, handle: (_request, url) => manifestPage(deps, url) },
    { method: 'GET', path: SETUP_PATH, handle: (_request, url) => setup(deps, url) },
  ];
}

async function manifestPage(deps: RouteDeps, url: URL): Promise<Response> {
  try {
    const form = await manifestFormFor(deps, url.searchParams.get('state'));
    return formPage('Create the GitHub App', `GitHub will ask you to confirm the App's name and create it, then send you back to forgegraph (${deps.publicUrl}).`, {
      action: form.url,
      origin: form.githubOrigin,
      fields: { manifest: form.manifest },
      button: `Create the App on ${new URL(form.githubOrigin).host}`,
    });
  } catch (error) {
    return failurePage(deps, error, 'manifest page');
  }
}

async function setup(deps: RouteDeps, url: URL): Promise<Response> {
  const params = url.searchParams;
  const state = params.get('state');
  const code = params.get('code');
  const installationId = params.get('installation_id');
  const action = params.get('setup_action');

  if (installationId !== null || action === 'install' || action === 'update') {
    if (!installationId || !INSTALLATION_ID.test(installationId)) {
      return resultPage(400, 'Installation not recorded', 'GitHub’s redirect carries no valid installation_id; nothing was changed. Install the App again from its GitHub page.');
    }
    if (action !== null && action !== 'install' && action !== 'update') {
      return resultPage(400, 'Installation not recorded', 'GitHub’s redirect carries an unknown setup_action; nothing was changed.');
    }
    return install(deps, state, installationId);
  }
  if (action === 'request') {
    return resultPage(202, 'Installation requested', 'GitHub has asked an owner of the account to approve the installation. Once they have, install the App again from forgegraph to connect it.');
  }
  if (code !== null) {
    if (!CODE.test(code)) return resultPage(400, 'GitHub App not created', 'GitHub’s redirect carries no valid code; nothing was changed. Start again from forgegraph.');
    return create(deps, state, code);
  }
  return resultPage(400, 'Nothing to do', 'This address is where GitHub sends you back after creating or installing the App; this request carries neither a code nor an installation. Start again from forgegraph.');
}

async function create(deps: RouteDeps, state: string | null, code: string): Promise<Response> {
  try {
    const created = await completeGitHubAppCreation(deps, state, code);
    deps.logger.info({ providerId: created.providerId, githubAppId: created.appId, githubAppName: created.slug }, 'GitHub App created from a manifest');
    return linkPage(
      200,
      'GitHub App created',
      `The GitHub App “${created.slug}” was created and saved in forgegraph with its credentials. Next, install it on the account whose repositories it should reach; GitHub sends you back here when that is done.`,
      { href: created.installUrl, label: 'Install the App on GitHub' },
    );
  } catch (error) {
    return failurePage(deps, error, 'GitHub App creation', 'GitHub App not created');
  }
}

async function install(deps: RouteDeps, state: string | null, installationId: string): Promise<Response> {
  try {
    const installed = await completeGitHubAppInstallation(deps, state, installationId);
    deps.logger.info({ providerId: installed.providerId, githubInstallationId: installed.installationId }, 'GitHub App installation recorded');
    return resultPage(
      200,
      'GitHub App installed',
      `The installation${installed.account ? ` on ${installed.account}` : ''} was checked with GitHub and saved: the provider is ready to list repositories and branches.`,
    );
  } catch (error) {
    return failurePage(deps, error, 'GitHub App installation', 'Installation not recorded');
  }
}

/** The page for a refused or failed step: 400 for what the browser brought, 502 for what the forge did; a fixed text for anything unexpected. */
function failurePage(deps: RouteDeps, error: unknown, step: string, title = 'This link cannot be used'): Response {
  const known = error instanceof DomainError;
  deps.logger[known ? 'warn' : 'error'](
    { step, code: known ? error.code : undefined, errorName: error instanceof Error ? error.name : typeof error },
    known ? `${step} refused: ${error.message}` : `${step} failed unexpectedly`,
  );
  const unchanged = 'Nothing was changed in forgegraph.';
  if (error instanceof OAuthStateError) return resultPage(400, title, `${error.message} ${unchanged}`);
  if (error instanceof ManifestCodeRejectedError) {
    return resultPage(400, title, `GitHub did not accept the code: it is unknown, already used, or older than an hour. ${unchanged} Start again from forgegraph.`);
  }
  if (error instanceof ForgeNotFoundError) {
    return resultPage(400, title, `GitHub says this installation is not an installation of this App (or it no longer exists). ${unchanged}`);
  }
  if (error instanceof NotAllowedError || error instanceof NotFoundError) return resultPage(400, title, `${error.message}. ${unchanged}`.replace('.. ', '. '));
  if (error instanceof ForgeMisconfiguredError) return resultPage(400, title, `${error.message}. ${unchanged}`);
  if (error instanceof ForgeAddressNotAllowedError) return resultPage(502, title, `${error.message}. ${unchanged}`);
  if (error instanceof ForgeError) return resultPage(502, title, `GitHub could not be reached or did not answer usably (${error.code}); try again later. ${unchanged}`);
  if (error instanceof ValidationError) {
    return resultPage(502, title, `GitHub created the App but its answer could not be saved (${error.field}). Delete the App in your GitHub settings and start again from forgegraph.`);
  }
  return resultPage(500, title, 'Something went wrong on forgegraph’s side; try again later.');
}
