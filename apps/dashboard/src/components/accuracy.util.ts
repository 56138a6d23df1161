// Expected accuracy of a round at a chosen epsilon, from the noise a completed round had.
// Rounds use (distributed) discrete Gaussian noise accounted in zero-concentrated DP
// (Bun & Steinke 2016): at fixed sensitivity sigma is proportional to 1/sqrt(rho), and a
// round at (epsilon, delta) gets rho from epsilon = rho + 2 sqrt(rho ln(1/delta)).

/** rho of zCDP that gives (epsilon, delta)-DP: the root of epsilon = rho + 2 sqrt(rho ln(1/delta)). */
export function rhoForEpsilon(epsilon: number, delta: number): number {
  const l = Math.log(1 / delta);
  const root = Math.sqrt(l + epsilon) - Math.sqrt(l);
  return root * root;
}

/** The utility noise sigma a round at `epsilon` would have, scaled from a reference round. */
export function sigmaAt(epsilon: number, reference: { epsilon: number; sigma: number }, delta = 1e-5): number {
  return reference.sigma * Math.sqrt(rhoForEpsilon(reference.epsilon, delta) / rhoForEpsilon(epsilon, delta));
}
