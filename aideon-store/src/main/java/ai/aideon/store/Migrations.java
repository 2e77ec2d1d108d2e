package ai.aideon.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Brings a database's schema to the version this build expects, with the dialect's own Flyway scripts. */
final class Migrations {

    private Migrations() {
    }

    static void apply(DataSource source, Dialect dialect) {
        try {
            Flyway.configure()
                    .dataSource(source)
                    .locations(dialect.migrations())
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            throw new StoreException("schema migration failed (" + dialect.wire() + ")", e);
        }
    }
}
