import { CreateInsightsTables1733300000000 } from './1733300000000-create-insights-tables';

export const insightsMigrations = [CreateInsightsTables1733300000000];
