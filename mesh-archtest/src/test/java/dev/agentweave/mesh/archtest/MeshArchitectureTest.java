package dev.agentweave.mesh.archtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each rule fails on a deliberately broken example and passes on a correct one. */
class MeshArchitectureTest {
  private static final String FIXTURE = "dev.agentweave.mesh.archtest.fixture";

  private static JavaClasses classesOf(String... packages) {
    String[] full = new String[packages.length];
    for (int i = 0; i < packages.length; i++) {
      full[i] = FIXTURE + "." + packages[i];
    }
    return new ClassFileImporter().importPackages(full);
  }

  private static List<String> violations(ArchRule rule, JavaClasses classes) {
    EvaluationResult result = rule.evaluate(classes);
    return result.getFailureReport().getDetails();
  }

  @Test
  void internalTypeInPublicSignature_isFound_inEveryPlaceItCanHide() {
    List<String> found =
        violations(MeshArchitecture.PUBLIC_API_EXPOSES_NO_INTERNAL_TYPE, classesOf("leak"));

    assertThat(found)
        .anySatisfy(v -> assertThat(v).contains("ReturnsInternal").contains("get() returns"))
        .anySatisfy(
            v -> assertThat(v).contains("TakesInternalInList").contains("constructor takes"))
        .anySatisfy(v -> assertThat(v).contains("InternalField").contains("field value"))
        .anySatisfy(v -> assertThat(v).contains("ThrowsInternal").contains("run() throws"))
        .anySatisfy(v -> assertThat(v).contains("Outer$Nested").contains("supertype"))
        .allSatisfy(v -> assertThat(v).contains("fixture.leak.internal.Hidden"));
  }

  @Test
  void internalTypeUsedOnlyInBodiesAndPackagePrivateMembers_passes() {
    assertThat(violations(MeshArchitecture.PUBLIC_API_EXPOSES_NO_INTERNAL_TYPE, classesOf("clean")))
        .isEmpty();
  }

  @Test
  void pekkoActorTypeInUserFacingSignature_isFound_butAllowedInSpi() {
    List<String> found =
        violations(
            MeshArchitecture.USER_FACING_TYPES_EXPOSE_NO_PEKKO_ACTOR_TYPES, classesOf("pekko"));

    assertThat(found)
        .singleElement()
        .satisfies(
            v ->
                assertThat(v)
                    .contains("ActorFacing")
                    .contains("start() takes org.apache.pekko.actor.typed.ActorSystem"));
  }

  @Test
  void anotherModulesInternalPackage_isFound_ownInternalIsAllowed() {
    // "module a" is what is imported; "module b" is only on the classpath
    List<String> found =
        violations(
            MeshArchitecture.NO_MODULE_IMPORTS_ANOTHER_MODULES_INTERNALS, classesOf("foreign.a"));

    assertThat(found)
        .isNotEmpty()
        .allSatisfy(v -> assertThat(v).contains("UsesForeign").contains("OtherModulesHelper"))
        .noneSatisfy(v -> assertThat(v).contains("OwnHelper"));
  }

  @Test
  void coreUsingForbiddenCode_isFound() {
    ArchRule rule =
        MeshArchitecture.coreUsesNone(List.of(FIXTURE + ".core"), List.of(FIXTURE + ".cluster."));

    assertThat(violations(rule, classesOf("core", "cluster")))
        .singleElement()
        .satisfies(v -> assertThat(v).contains("UsesCluster").contains("Member.name()"));
    assertThat(
            violations(
                MeshArchitecture.MESH_CORE_IMPORTS_NO_TRANSPORT_CLUSTER_OR_IDENTITY_PROVIDER_CODE,
                classesOf("core", "cluster")))
        .as("the real rule looks only at mesh-core's packages")
        .isEmpty();
  }

  @Test
  void packageCycle_isFound() {
    assertThat(violations(MeshArchitecture.NO_CYCLES_BETWEEN_PACKAGES, classesOf("cycle")))
        .isNotEmpty()
        .anySatisfy(v -> assertThat(v).contains("cycle.a").contains("cycle.b"));
    assertThat(violations(MeshArchitecture.NO_CYCLES_BETWEEN_PACKAGES, classesOf("foreign")))
        .isEmpty();
  }

  @Test
  void thisModule_importsOnlyTheModulesOwnMainClasses() {
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(new MeshArchitecture.ThisModule())
            .importPackages("dev.agentweave");

    assertThat(classes.contain(MeshArchitecture.class)).isTrue();
    assertThat(classes.contain(MeshArchitectureTest.class)).isFalse();
    assertThat(classes.containPackage(FIXTURE + ".leak.api")).isFalse();
  }
}
