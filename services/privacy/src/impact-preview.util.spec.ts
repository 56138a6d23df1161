import assert from 'node:assert/strict';
import { previewImpact } from './impact-preview.util';

test('more epsilon means less error, and relative error scales with utility', () => {
  const patterns = [
    { items: ['A'], utilityCents: 100_000 },
    { items: ['A', 'B'], utilityCents: 10_000 },
  ];
  const strict = previewImpact({ epsilon: 1, delta: 1e-5, clipBoundCents: 1000, mechanism: 'discrete-gaussian', patterns });
  const loose = previewImpact({ epsilon: 4, delta: 1e-5, clipBoundCents: 1000, mechanism: 'discrete-gaussian', patterns });
  assert.ok(strict.scale > loose.scale);
  assert.ok(strict.patterns[0].expectedAbsoluteErrorCents > loose.patterns[0].expectedAbsoluteErrorCents);
  // sigma for epsilon=1, delta=1e-5 at sensitivity 1 is about 4.045; it scales linearly with the bound.
  assert.ok(Math.abs(strict.scale / 1000 - 4.045) < 0.01, `sigma ${strict.scale}`);
  assert.ok(Math.abs(strict.patterns[0].expectedAbsoluteErrorCents - strict.scale * Math.sqrt(2 / Math.PI)) < 1e-9);
  assert.ok(Math.abs(strict.patterns[1].expectedRelativeError / strict.patterns[0].expectedRelativeError - 10) < 1e-9);
});

test('Laplace preview uses b = sensitivity / epsilon', () => {
  const result = previewImpact({ epsilon: 2, delta: 1e-5, clipBoundCents: 500, mechanism: 'discrete-laplace', patterns: [{ items: ['A'], utilityCents: 0 }] });
  assert.ok(Math.abs(result.scale - 250) < 1e-9);
  assert.equal(result.patterns[0].expectedRelativeError, 0);
});

test('bad inputs are refused with a reason', () => {
  assert.throws(() => previewImpact({ epsilon: 0, delta: 1e-5, clipBoundCents: 1, mechanism: 'discrete-gaussian', patterns: [] }), /epsilon/);
  assert.throws(() => previewImpact({ epsilon: 1, delta: 1e-5, clipBoundCents: 0, mechanism: 'discrete-gaussian', patterns: [] }), /clipBound/);
});
