/** Checks shared by every decoder: the sum must come from a survivor count the plan accepts. */

/**
 * Throws unless minSurvivors <= survivors <= participants. Below minSurvivors the noise in the
 * sum is smaller than the privacy guarantee assumes: the round must fail instead of decoding.
 */
export function checkSurvivors(survivors: number, minSurvivors: number, participants: number): void {
  if (!Number.isSafeInteger(survivors) || survivors < minSurvivors || survivors > participants) {
    throw new RangeError(
      `survivors must be an integer between minSurvivors (${minSurvivors}) and participants (${participants}), got ${survivors}; ` +
        'with fewer survivors the sum holds less noise than the guarantee needs, so the round must fail',
    );
  }
}
