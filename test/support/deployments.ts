import type { Harness } from './harness.js';

/** GraphQL documents and waits shared by the deployment suites. */
export const DEPLOYMENT_FIELDS = `id status trigger ref commitSha commitMessage commitAuthor message attempt cancelRequested createdAt startedAt finishedAt log`;

export const CREATE_APPLICATION = `mutation Create($input: CreateApplicationInput!) {
  createApplication(input: $input) {
    __typename
    ... on CreateApplicationSuccess { application { id name repository branch buildCommand autoDeploy triggerType watchPaths previews canDeploy detached gitProvider { id } } }
    ... on Error { message code }
    ... on ValidationError { field }
  }
}`;

export const DEPLOY = `mutation Deploy($id: ID!, $ref: String) {
  deployApplication(input: { id: $id, ref: $ref }) {
    __typename
    ... on DeployApplicationSuccess { deployment { ${DEPLOYMENT_FIELDS} } }
    ... on Error { message code }
    ... on ValidationError { field }
  }
}`;

export const CANCEL = `mutation Cancel($id: ID!) {
  cancelDeployment(input: { id: $id }) {
    __typename
    ... on CancelDeploymentSuccess { deployment { ${DEPLOYMENT_FIELDS} } }
    ... on Error { message code }
  }
}`;

export const DEPLOYMENT = `query Deployment($id: ID!) { deployment(id: $id) { ${DEPLOYMENT_FIELDS} } }`;

export const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/** Creates an application and answers its global id (failing the test with the payload otherwise). */
export async function createApplication(h: Harness, apiKey: string, input: Record<string, unknown>): Promise<string> {
  const res = await h.graphql(CREATE_APPLICATION, { input }, apiKey);
  const payload = res.data?.createApplication;
  if (payload?.__typename !== 'CreateApplicationSuccess') throw new Error(`createApplication failed: ${res.text}`);
  return payload.application.id as string;
}

/** Queues a deployment and answers it as deployApplication returned it. */
export async function deploy(h: Harness, apiKey: string, applicationId: string, ref?: string): Promise<Record<string, any>> {
  const res = await h.graphql(DEPLOY, { id: applicationId, ref }, apiKey);
  const payload = res.data?.deployApplication;
  if (payload?.__typename !== 'DeployApplicationSuccess') throw new Error(`deployApplication failed: ${res.text}`);
  return payload.deployment;
}

/** Polls the deployment until `until` holds (default: it finished). */
export async function waitForDeployment(
  h: Harness,
  apiKey: string,
  id: string,
  until: (deployment: Record<string, any>) => boolean = (d) => FINISHED.has(d.status),
  timeoutMs = 30_000,
): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await h.graphql(DEPLOYMENT, { id }, apiKey);
    const deployment = res.data?.deployment;
    if (deployment && until(deployment)) return deployment;
    if (Date.now() > deadline) throw new Error(`deployment ${id} did not get there in ${timeoutMs} ms: ${JSON.stringify(deployment)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
