import { sqliteTestDatabase } from '../support/databases.ts';
import { describeRepositoryConformance } from './conformance.ts';

describeRepositoryConformance(sqliteTestDatabase());
