/**
 * @tessera/secagg — secure aggregation of uint32 vectors (mod 2^32) so the server learns only
 * the sum.
 *
 * Implements Bonawitz et al., "Practical Secure Aggregation for Privacy-Preserving Machine
 * Learning" (CCS 2017): X25519 key agreement, Ed25519-signed key advertisements, Shamir-shared
 * self-mask seeds and mask keys, AES-GCM share encryption, AES-CTR mask expansion, dropout
 * recovery and the ConsistencyCheck round of the malicious-secure variant; plus the sparse
 * Harary-graph neighbourhoods of SecAgg+ (Bell et al., "Secure Single-Server Aggregation with
 * (Poly)Logarithmic Overhead", CCS 2020). See README.md.
 */
export { SecAggClient, type ClientState, type ClientOptions } from './client';
export { SecAggServer, type ServerState, type ServerStep, type AggregationResult } from './server';
export { RoundParams, defaultThreshold, type RoundConfig } from './config';
export { SecAggError, BelowThresholdError, isSecAggError, type SecAggErrorCode } from './errors';
export {
  Stage,
  STAGE_NAMES,
  stageName,
  encodeMessage,
  decodeMessage,
  validateMessage,
  signingBytes,
  type StageNumber,
  type SecAggMessage,
  type ClientMessage,
  type ServerMessage,
  type AdvertiseKeysMessage,
  type ShareKeysMessage,
  type MaskedInputMessage,
  type ConsistencySignatureMessage,
  type UnmaskMessage,
  type ShareKeysRequest,
  type MaskedInputRequest,
  type ConsistencyRequest,
  type UnmaskRequest,
} from './messages';
export { generateIdentityKeyPair, importIdentityPrivateKey, expandMask, addInto, subInto, type IdentityKeyPair } from './crypto';
export { Topology, seededPermutation } from './graph';
export { graphRisk, suggestGraphThreshold, type GraphRisk, type GraphRiskInput } from './risk';
export { simulateRound, simulationThreshold, clientId, DROP_POINTS, type DropPoint, type SimulationOptions, type SimulationResult } from './simulate';
