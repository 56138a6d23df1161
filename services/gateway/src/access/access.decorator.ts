import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiSecurity } from '@nestjs/swagger';
import type { AccessPolicy } from './access-policy';

export const ACCESS_POLICY = 'tessera:access-policy';

/**
 * Declares who may call a route. Also documents it in OpenAPI: the security schemes and
 * the policy itself as `x-tessera-access` (buildOpenApi adds the 401/403/429 answers).
 */
export function Access(policy: AccessPolicy) {
  const decorators = [SetMetadata(ACCESS_POLICY, policy), ApiExtension('x-tessera-access', policy)];
  if (!policy.public) {
    decorators.push(ApiBearerAuth());
    if (policy.apiKey) decorators.push(ApiSecurity('apiKey'));
  }
  return applyDecorators(...decorators);
}
