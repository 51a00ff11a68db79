/**
 * Stand-ins a runtime is created with once and then pointed at each
 * fixture's own cache, database and clock in turn: a runtime (and its warm
 * isolates, with hooks already compiled) serves many fixtures, one at a time.
 */
import type { CacheDriver } from '../cache/driver.ts';
import type { Clock } from '../cache/clock.ts';
import type { Database } from '../repos/database.ts';
import { ForwardingCacheDriver } from '../cache/forwarding-driver.ts';

export interface Binding {
  driver: CacheDriver;
  database: Database;
  clock: Clock;
}

export class Switchable {
  private bound: Binding | null = null;
  readonly driver: CacheDriver;
  readonly database: Database;
  readonly clock: Clock = () => this.current.clock();

  constructor() {
    const self = this;
    this.driver = new (class extends ForwardingCacheDriver {
      protected get target(): CacheDriver {
        return self.current.driver;
      }
    })();
    const db = () => this.current.database;
    this.database = {
      get client() {
        return db().client;
      },
      get knex() {
        return db().knex;
      },
      get dialect() {
        return db().dialect;
      },
      get schema() {
        return db().schema;
      },
      get tablePrefix() {
        return db().tablePrefix;
      },
      physical: (table) => db().physical(table),
      repository: (table) => db().repository(table),
      // The bound database belongs to its fixture.
      close: async () => {},
    };
  }

  bind(binding: Binding): void {
    this.bound = binding;
  }

  unbind(): void {
    this.bound = null;
  }

  private get current(): Binding {
    if (!this.bound) throw new Error('replay: the runtime is not bound to a fixture');
    return this.bound;
  }
}
