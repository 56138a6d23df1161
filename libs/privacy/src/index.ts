/**
 * @tessera/privacy — exact discrete noise, calibration and zCDP accounting for Tessera.
 * See README.md for definitions, guarantees and the papers each module implements.
 */
export {
  Rational,
  RationalLike,
  rational,
  toRational,
  fromNumber,
  parseRational,
  formatRational,
  toNumber as rationalToNumber,
} from './rational';
export { nextUp, nextDown, toNumberUp, toNumberDown } from './float';
export {
  RandomSource,
  CryptoRandomSource,
  SeededRandomSource,
  cryptoRandomSource,
  seededRandomSource,
  defaultRandomSource,
  resolveRandomSource,
  parseHexSeed,
  uniformInt,
  uniformBigInt,
} from './random';
export {
  SamplerOptions,
  IntegerSampler,
  GaussianParams,
  DiscreteGaussianSampler,
  DiscreteLaplaceSampler,
  sampleDiscreteGaussian,
  sampleDiscreteLaplace,
  sampleBernoulli,
  sampleBernoulliExp,
  resolveSigma2,
} from './samplers';
export {
  discreteGaussianNormalizer,
  discreteGaussianPmf,
  discreteGaussianVariance,
  discreteLaplacePmf,
  discreteLaplaceTail,
  discreteLaplaceVariance,
} from './distributions';
export {
  PrivacyCost,
  gaussianRho,
  gaussianRhoFromSigma,
  pureDpToRho,
  costToRho,
  composeRho,
  zcdpToEpsilon,
  zcdpToEpsilonSimple,
  zcdpToDelta,
  rdpToEpsilon,
  epsilonToRho,
} from './zcdp';
export {
  GaussianCalibration,
  calibrateGaussianSigma,
  sigmaForRho,
  gaussianEpsilon,
  calibrateLaplaceScale,
  laplaceEpsilon,
  sigmaSquared,
} from './calibration';
export {
  DEFAULT_DELTA,
  DistributedGaussianShare,
  DistributedGaussianGuaranteeInput,
  DistributedGaussianGuarantee,
  DistributedGaussianCalibration,
  distributedGaussianShare,
  distributedGaussianGuarantee,
  distributedGaussianWorstCase,
  calibrateDistributedGaussian,
  ddgTau,
} from './distributed';
export {
  GaussianMechanismParams,
  GaussianRelease,
  LaplaceMechanismParams,
  LaplaceRelease,
  discreteGaussianMechanism,
  discreteLaplaceMechanism,
  distributedGaussianNoise,
  addDistributedGaussianShare,
} from './mechanisms';
export { Rounding, QuantizationParams, QuantizationBound, QuantizedRecord, quantizationBound, clipAndQuantize, dequantize } from './contribution';
export { rhoCap, canSpend, remainingRho, spentEpsilon, epsilonAfter, releasesRemaining } from './budget';
