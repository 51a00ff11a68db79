import { postgresTestDatabase } from '../support/databases.ts';
import { describeRepositoryConformance } from './conformance.ts';

describeRepositoryConformance(await postgresTestDatabase());
