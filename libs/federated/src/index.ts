/**
 * @tessera/federated: the mathematics of one federated high-utility itemset round (candidate
 * selection, clipped and quantised measurements, distributed discrete Gaussian noise shares,
 * mod-2^32 encoding, decoding, accounting), plus the references and metrics of the accuracy
 * study. Pure functions; no I/O. See README.md for the round, the API and the papers.
 */
export { canonicalItemset, itemsetKey, compareItemsets, denseItemId } from './itemset';
export type { Itemset } from './itemset';
export { proposeItemsets, selectCandidates, minimumK, MIN_STORES_PER_ITEMSET } from './candidates';
export type { ProposalOptions, CandidateProposal, CandidateSelection, CandidateSelectionOptions } from './candidates';
export { roundConfig, DEFAULT_DELTA, DEFAULT_SHARES, DEFAULT_CLIP_QUANTILES, DEFAULT_CALIBRATION_SHARE, DEFAULT_MAX_TRANSACTIONS_PER_STORE } from './config';
export type { RoundConfig, RoundConfigInput, BudgetShares, ClipQuantiles } from './config';
export { planRound, ledgerCharge, vectorLayout, bundleSubsets, MAX_BUNDLE_ITEMS, checkPlanDigest, planDigest, noiseTailBound } from './plan';
export type { RoundPlan, RoundPlanInput, ClipBounds, VectorLayout, Quantisation, OverflowCheck, PrivacyCharge, LedgerCharge } from './plan';
export { planCalibration, encodeCalibration, decodeCalibration, calibrationCounts, noisyQuantile, denoiseHistogram, binOf } from './calibration';
export type { CalibrationPlan, Calibration, NoisyHistogram, CalibrationLayout } from './calibration';
export { contributionMatrix } from './contribution-matrix';
export type { ContributionMatrix } from './contribution-matrix';
export { encodeContribution, clippedSum } from './encode';
export type { EncodedContribution, ClippedSum } from './encode';
export { decodeAggregate } from './decode';
export type { GlobalPattern, RoundRelease, Interval, SubsetSupport } from './decode';
export { centralRelease, naiveRelease } from './reference-release';
export type { NaiveRelease, NaiveReleaseOptions } from './reference-release';
export { precisionAtK, recallAtK, medianRelativeError, median } from './metrics';
export type { RankedItemset } from './metrics';
export { calibrateNoiseShare, sampleNoiseShare, toWord, fromWord, addWords } from './noise';
export type { NoiseShare } from './noise';
export { checkSurvivors } from './survivors';
export { PERIODS, isPeriod, parseIsoDate, isoDate, periodStartOf, periodStarts, defaultFromDate } from './periods';
export type { Period } from './periods';
export { planStatistics, addBoundedEntries, encodeWithNoise, decodeStatisticsSum, checkStatisticsDigest, DEFAULT_MAX_STATISTICS_TRANSACTIONS } from './statistics-plan';
export type { BlockSpec, PlannedBlock, StatisticsPlanCore } from './statistics-plan';
export { planDemandSeries, demandSeriesClippedSum, encodeDemandSeries, decodeDemandSeries, seriesFromSums, exactDemandSeries, defaultDemandClip, DEMAND_SERIES_SHARES } from './demand-series';
export type { SalesTransaction, DemandSeriesInput, DemandSeriesPlan, DemandSeriesPoint, DemandSeriesShares } from './demand-series';
export { planPriceResponse, priceResponseClippedSum, encodePriceResponse, decodePriceResponse, statisticsFromSums, fitElasticity, exactStatistics, rescaling, observations } from './price-response';
export type { PriceResponseInput, PriceResponsePlan, SufficientStatistics, ElasticityFit } from './price-response';
export { ProposalSketchSession, proposalSketchVector, isProposalSketchPlan, bucketOf, heavyBuckets, splitPure, recoverItemsets, selectionFromSketch, SKETCH_BUCKETS } from './proposal-sketch';
export type { ProposalSketchPlan, ProposalCountsPlan, ProposalPurityPlan, ProposalIdentitiesPlan, RecoveredItemset, SketchLevel } from './proposal-sketch';
