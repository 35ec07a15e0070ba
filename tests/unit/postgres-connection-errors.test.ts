import { describe, expect, it } from 'vitest';
import { StoreOpenError, StoreUnavailableError } from '../../relay/errors';
import { isConnectionError, storeError } from '../../relay/store/postgres/database';
import { databaseAddress } from '../../relay/store/postgres/database-url';

describe('which PostgreSQL errors mean "the database is unavailable"', () => {
  it.each([
    ['a refused connection', { code: 'ECONNREFUSED' }],
    ['a reset connection', { code: 'ECONNRESET' }],
    ['a server restarting (admin shutdown)', { code: '57P01' }],
    ['a server starting up', { code: '57P03' }],
    ['a connection exception', { code: '08006' }],
    ['too many connections', { code: '53300' }],
    ['a connection that ended mid-query', new Error('Connection terminated unexpectedly')],
    ['a pool that could not connect in time', new Error('timeout exceeded when trying to connect')],
    ['a query that got no answer in time', new Error('Query read timeout')],
  ])('%s answers 503', (_, error) => {
    expect(isConnectionError(error)).toBe(true);
    expect(() => storeError(error)).toThrow(StoreUnavailableError);
  });

  it.each([
    ['a unique violation', { code: '23505', message: 'duplicate key value violates unique constraint' }],
    ['a syntax error', { code: '42601', message: 'syntax error at or near "SELEC"' }],
  ])('%s is a bug, passed on as it is', (_, error) => {
    expect(isConnectionError(error)).toBe(false);
    expect(() => storeError(error)).toThrow(expect.objectContaining({ code: error.code }));
  });
});

describe('DATABASE_URL as the messages name it', () => {
  it('names user, host, port and database, never the password', () => {
    expect(databaseAddress('postgres://relay:s3cret@db.internal:6432/reimage').where).toBe('relay@db.internal:6432/reimage');
    expect(databaseAddress('postgresql://db.internal').where).toBe('postgres@db.internal:5432/postgres');
  });

  it.each(['', 'db.internal:5432', 'http://db.internal/reimage', 'postgres:///reimage'])('refuses %j with how to write it', (url) => {
    expect(() => databaseAddress(url)).toThrow(StoreOpenError);
    expect(() => databaseAddress(url)).toThrow(/Write it as postgres:\/\/user:password@host:5432\/database/);
  });
});
