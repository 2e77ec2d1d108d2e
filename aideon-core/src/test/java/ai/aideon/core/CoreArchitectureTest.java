package ai.aideon.core;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Core stays embeddable: it is the same router as a library, so it must not drag in a web server, a database
 * layer, a JSON binder or an HTTP client. Those belong to server, store and providers.
 */
class CoreArchitectureTest {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("ai.aideon.core");

    @Test
    void coreDependsOnNoFrameworkServerDatabaseOrHttpClient() {
        ArchRule rule = noClasses().that().resideInAPackage("ai.aideon.core..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.helidon..", "java.sql..", "javax.sql..", "com.fasterxml.jackson..", "java.net.http..",
                        "com.sun.net.httpserver..", "org.jdbi..", "org.flywaydb..")
                .because("aideon-core is the embeddable router: no HTTP server, JDBC, Jackson or HTTP client");

        rule.check(CORE);
    }

    @Test
    void coreDependsOnNoOtherAideonModule() {
        // Dependencies point one way: server → store, providers → core.
        noClasses().that().resideInAPackage("ai.aideon.core..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "ai.aideon.providers..", "ai.aideon.server..", "ai.aideon.store..", "ai.aideon.testkit..")
                .check(CORE);
    }

    @Test
    void theImportSawTheRouter() {
        // Guards against a vacuous pass if the package were renamed: the rule above must have had classes to check.
        org.assertj.core.api.Assertions.assertThat(CORE.contain("ai.aideon.core.route.Router")).isTrue();
    }
}
