package ai.aideon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StoreLocationTest {

    @Test
    void sqliteFormsNameAFile() {
        StoreLocation a = StoreLocation.parse("sqlite:data/aideon.db");
        StoreLocation b = StoreLocation.parse("jdbc:sqlite:data/aideon.db");
        StoreLocation c = StoreLocation.parse("sqlite:///var/lib/aideon/a.db");

        assertThat(a.dialect()).isEqualTo(Dialect.SQLITE);
        assertThat(a.sqliteFile()).isEqualTo(Path.of("data/aideon.db").toAbsolutePath());
        assertThat(a.jdbcUrl()).isEqualTo("jdbc:sqlite:" + Path.of("data/aideon.db").toAbsolutePath());
        assertThat(b).isEqualTo(a);
        assertThat(c.sqliteFile()).isEqualTo(Path.of("/var/lib/aideon/a.db"));
    }

    @Test
    void sqliteInMemoryIsRefusedBecauseEachPooledConnectionWouldSeeItsOwnDatabase() {
        assertThatThrownBy(() -> StoreLocation.parse("sqlite::memory:")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoreLocation.parse("sqlite:")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void postgresUrlCredentialsAreSplitOutOfTheJdbcUrl() {
        StoreLocation loc = StoreLocation.parse("postgres://aideon:p%40ss+w:rd@db.internal:6543/gateway?sslmode=require");

        assertThat(loc.dialect()).isEqualTo(Dialect.POSTGRESQL);
        assertThat(loc.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/gateway?sslmode=require");
        assertThat(loc.user()).isEqualTo("aideon");
        assertThat(loc.password()).isEqualTo("p@ss+w:rd");
        assertThat(loc.toString()).doesNotContain("p@ss").doesNotContain("p%40ss").doesNotContain("aideon:");
    }

    @Test
    void postgresqlSchemeWithoutPortOrPassword() {
        StoreLocation loc = StoreLocation.parse("postgresql://reader@localhost/aideon");

        assertThat(loc.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/aideon");
        assertThat(loc.user()).isEqualTo("reader");
        assertThat(loc.password()).isNull();
    }

    @Test
    void jdbcPostgresqlKeepsItsParametersButNotItsCredentials() {
        StoreLocation loc = StoreLocation.parse(
                "jdbc:postgresql://h1:5432,h2:5432/aideon?user=gw&password=s3cret&targetServerType=primary");

        assertThat(loc.jdbcUrl()).isEqualTo("jdbc:postgresql://h1:5432,h2:5432/aideon?targetServerType=primary");
        assertThat(loc.user()).isEqualTo("gw");
        assertThat(loc.password()).isEqualTo("s3cret");
        assertThat(loc.toString()).doesNotContain("s3cret");
    }

    @Test
    void jdbcPostgresqlWithUserInfoIsHonoured() {
        StoreLocation loc = StoreLocation.parse("jdbc:postgresql://gw:s3cret@localhost:5432/aideon");

        assertThat(loc.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/aideon");
        assertThat(loc.user()).isEqualTo("gw");
        assertThat(loc.password()).isEqualTo("s3cret");
    }

    @Test
    void unknownSchemeIsRefusedWithoutEchoingTheLocation() {
        assertThatThrownBy(() -> StoreLocation.parse("mysql://root:hunter2@localhost/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mysql:")
                .hasMessageNotContaining("hunter2");
    }
}
