import { sqliteTestDatabase } from '../support/databases.js';
import { describeRepositoryConformance } from './conformance.js';

describeRepositoryConformance(sqliteTestDatabase());
