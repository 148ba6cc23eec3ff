import type { CliCommand } from '../cliSupport';
import { importCommand } from './import';
import { graphCommand } from './graph';
import { calibrateCommand } from './calibrate';
import { sampleCommand } from './sample';
import { generateCommand } from './generate';
import { exportCommand } from './export';
import { validateCommand } from './validate';
import { reportCommand } from './report';
import { ablationCommand } from './ablation';

/** Every `toolflow` subcommand, in the order `--help` lists them. */
export const commands: CliCommand[] = [importCommand, graphCommand, calibrateCommand, sampleCommand, generateCommand, reportCommand, ablationCommand, exportCommand, validateCommand];
