import { calibrateGaussianSigma, calibrateLaplaceScale } from '@tessera/privacy';

export interface ImpactInput {
  epsilon: number;
  delta: number;
  /** Per-transaction L2 contribution bound in cents: the sensitivity of each reported sum. */
  clipBoundCents: number;
  mechanism: 'discrete-gaussian' | 'discrete-laplace';
  patterns: { items: string[]; utilityCents: number }[];
}

export interface PatternImpact {
  items: string[];
  utilityCents: number;
  expectedAbsoluteErrorCents: number;
  interval95HalfWidthCents: number;
  expectedRelativeError: number;
}

/**
 * What a manager trades by choosing epsilon: for the noise calibrated to (epsilon, delta)
 * at sensitivity `clipBoundCents`, each reported utility's expected absolute error and 95%
 * half-width, and the relative error against the pattern's utility. Uses the continuous
 * approximations (Gaussian: E|Z| = sigma*sqrt(2/pi), half-width 1.96 sigma; Laplace:
 * E|Z| = b, half-width b*ln(20)); the discrete distributions are within a fraction of a
 * cent of these for sigma >= 1.
 */
export function previewImpact(input: ImpactInput): { scale: number; patterns: PatternImpact[] } {
  if (!(input.epsilon > 0)) throw new Error('epsilon must be positive');
  if (!(input.clipBoundCents > 0)) throw new Error('clipBoundCents must be positive');
  let expectedAbsolute: number;
  let halfWidth: number;
  let scale: number;
  if (input.mechanism === 'discrete-gaussian') {
    scale = calibrateGaussianSigma({ epsilon: input.epsilon, delta: input.delta, l2Sensitivity: input.clipBoundCents });
    expectedAbsolute = scale * Math.sqrt(2 / Math.PI);
    halfWidth = 1.959963984540054 * scale;
  } else {
    scale = calibrateLaplaceScale({ epsilon: input.epsilon, l1Sensitivity: input.clipBoundCents });
    expectedAbsolute = scale;
    halfWidth = scale * Math.log(20);
  }
  return {
    scale,
    patterns: input.patterns.map((pattern) => ({
      items: pattern.items,
      utilityCents: pattern.utilityCents,
      expectedAbsoluteErrorCents: expectedAbsolute,
      interval95HalfWidthCents: halfWidth,
      expectedRelativeError: pattern.utilityCents > 0 ? expectedAbsolute / pattern.utilityCents : 0,
    })),
  };
}
