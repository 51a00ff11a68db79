import { mariadbTestDatabase } from '../support/databases.js';
import { describeRepositoryConformance } from './conformance.js';

describeRepositoryConformance(await mariadbTestDatabase());
