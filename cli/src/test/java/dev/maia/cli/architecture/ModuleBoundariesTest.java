package dev.maia.cli.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The module rule of docs/architecture.md, enforced: dependencies point one way
 * ({@code schemas ← control ← producer, streams-apply, mirror-config ← local-cluster ← cli}), the three
 * paths meet only through Kafka and the contracts in {@code schemas}, and the contracts carry no
 * clients, threads or servers. The test lives in {@code cli} because only here are all modules on the
 * classpath; a violation in any module fails {@code mvn verify}.
 */
class ModuleBoundariesTest {
    private static final String SCHEMAS = "dev.maia.schemas..";
    private static final String CONTROL = "dev.maia.control..";
    private static final String PRODUCER = "dev.maia.producer..";
    private static final String APPLY = "dev.maia.apply..";
    private static final String MIRROR = "dev.maia.mirror..";
    private static final String LOCAL_CLUSTER = "dev.maia.localcluster..";
    private static final String CLI = "dev.maia.cli..";

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.maia");
    }

    @Test
    void schemasHoldContractsOnly() {
        check(noClasses().that().resideInAPackage(SCHEMAS).should().dependOnClassesThat()
                .resideInAnyPackage("org.apache.kafka.clients..", "org.apache.kafka.streams..", "org.apache.kafka.connect..",
                        "com.sun.net.httpserver..", "org.eclipse.jetty..", CONTROL, PRODUCER, APPLY, MIRROR, LOCAL_CLUSTER, CLI)
                .because("schemas/ is the contracts every path shares: no Kafka clients, no server, no other module"));
    }

    @Test
    void schemasStartNoThreads() {
        check(noClasses().that().resideInAPackage(SCHEMAS).should().dependOnClassesThat()
                .haveFullyQualifiedName("java.lang.Thread")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.Executors")
                .because("threads belong to the services, not to the contracts"));
    }

    @Test
    void controlTopicsDependOnContractsOnly() {
        check(noClasses().that().resideInAPackage(CONTROL).should().dependOnClassesThat()
                .resideInAnyPackage(PRODUCER, APPLY, MIRROR, LOCAL_CLUSTER, CLI)
                .because("control/ is the small library that every path and tool depends on"));
    }

    @Test
    void writePathDoesNotReachIntoOtherPaths() {
        check(noClasses().that().resideInAPackage(PRODUCER).should().dependOnClassesThat()
                .resideInAnyPackage(APPLY, MIRROR, LOCAL_CLUSTER, CLI)
                .because("the write path meets the apply path only through Kafka and schemas' CurrentState"));
    }

    @Test
    void applyPathDoesNotReachIntoOtherPaths() {
        check(noClasses().that().resideInAPackage(APPLY).should().dependOnClassesThat()
                .resideInAnyPackage(PRODUCER, MIRROR, LOCAL_CLUSTER, CLI)
                .because("the apply path meets the write path only through Kafka and the schemas"));
    }

    @Test
    void replicationPathDoesNotReachIntoOtherPaths() {
        check(noClasses().that().resideInAPackage(MIRROR).should().dependOnClassesThat()
                .resideInAnyPackage(PRODUCER, APPLY, LOCAL_CLUSTER, CLI)
                .because("MirrorMaker's plugins run inside MirrorMaker, with only the contracts and the control topics"));
    }

    @Test
    void localClusterKnowsNoService() {
        check(noClasses().that().resideInAPackage(LOCAL_CLUSTER).should().dependOnClassesThat()
                .resideInAnyPackage(PRODUCER, APPLY, CLI)
                .because("local-cluster/ runs Kafka and MirrorMaker; the services are started by cli/"));
    }

    @Test
    void cliUsesTheApplyPathThroughItsEntry() {
        // The bench's data part is the one exception: it measures the store itself (heap, reopen, deep pages)
        // with no region around it, so that the figures are the store's and not three regions'.
        check(noClasses().that().resideInAPackage(CLI)
                .and().doNotHaveFullyQualifiedName("dev.maia.cli.bench.DataScaleScenario")
                .should().dependOnClassesThat()
                .resideInAnyPackage("dev.maia.apply.store..", "dev.maia.apply.position..", "dev.maia.apply.locality..",
                        "dev.maia.apply.read..")
                .because("the region process wires ApplyService; the store and the parts behind it are its internals"));
    }

    private static void check(ArchRule rule) {
        rule.check(main);
    }
}
