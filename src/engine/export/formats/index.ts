import type { ExportFormat } from '../types';
import type { FormatModule } from './format';
import { hermesFormat } from './hermes';
import { hfFormat } from './hf';
import { openaiFormat } from './openai';
import { shareGptFormat } from './sharegpt';

export type { FormatModule, ConvertOptions, Converted } from './format';

const MODULES: Record<ExportFormat, FormatModule> = { openai: openaiFormat, hf: hfFormat, sharegpt: shareGptFormat, hermes: hermesFormat };

export function formatModule(format: ExportFormat): FormatModule {
  return MODULES[format];
}
