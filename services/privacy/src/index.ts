export * from './main';
export * from './privacy.config';
export { BudgetService, budgetView, type BudgetView, type SpendResult } from './budget.service';
export { previewImpact } from './impact-preview.util';
