/** Presence flags read only the names of a provider's sealed secrets, never the ciphertext. */
export const secretsSelection = { secrets: { select: { field: true } } } as const;

export function hasSecret(provider: { secrets: { field: string }[] }, field: string): boolean {
  return provider.secrets.some((secret) => secret.field === field);
}
