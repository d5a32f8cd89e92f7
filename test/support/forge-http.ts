import { AddressPolicy } from '../../src/providers/http/address-policy.js';
import { ForgeHttp } from '../../src/providers/http/forge-http.js';

/** The production HTTP layer, with the fakes' loopback address allowed and short limits so error paths run fast. */
export function testForgeHttp(overrides: Partial<ConstructorParameters<typeof ForgeHttp>[0]> = {}): ForgeHttp {
  return new ForgeHttp({
    policy: new AddressPolicy('127.0.0.1'),
    attemptTimeoutMs: 2_000,
    maxRetries: 2,
    maxRetryWaitMs: 300,
    ...overrides,
  });
}
