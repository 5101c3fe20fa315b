package dev.agentweave.mesh.archtest;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The architecture rules every module of AgentWeave checks in its tests, on the classes that module
 * compiles (see {@link ThisModule}):
 *
 * <ol>
 *   <li>{@link #PUBLIC_API_EXPOSES_NO_INTERNAL_TYPE}: a public type outside an {@code internal}
 *       package shows no {@code internal} type in a visible method, constructor, field, throws
 *       clause or supertype, generic arguments included;
 *   <li>{@link #USER_FACING_TYPES_EXPOSE_NO_PEKKO_ACTOR_TYPES}: nor, outside {@code spi} packages,
 *       a type of {@code org.apache.pekko.actor}, except the members in {@link
 *       #PEKKO_ESCAPE_HATCHES};
 *   <li>{@link #NO_MODULE_IMPORTS_ANOTHER_MODULES_INTERNALS}: a module uses only its own {@code
 *       internal} packages;
 *   <li>{@link #MESH_CORE_IMPORTS_NO_TRANSPORT_CLUSTER_OR_IDENTITY_PROVIDER_CODE}: mesh-core's
 *       packages use no Pekko HTTP, Pekko Cluster, Bouncy Castle, java-spiffe or gRPC, nor the
 *       modules that bring them;
 *   <li>{@link #NO_CYCLES_BETWEEN_PACKAGES}.
 * </ol>
 *
 * <p>A module runs them all with:
 *
 * <pre>{@code
 * @AnalyzeClasses(packages = "dev.agentweave", importOptions = MeshArchitecture.ThisModule.class)
 * class ArchitectureTest {
 *   @ArchTest static final ArchTests rules = ArchTests.in(MeshArchitecture.class);
 * }
 * }</pre>
 */
public final class MeshArchitecture {
  /** The packages of mesh-core, the module that must stay free of transport and cluster code. */
  public static final List<String> MESH_CORE_PACKAGES =
      List.of(
          "dev.agentweave.mesh",
          "dev.agentweave.mesh.config",
          "dev.agentweave.mesh.identity",
          "dev.agentweave.mesh.internal",
          "dev.agentweave.mesh.spi",
          "dev.agentweave.mesh.support");

  /** What mesh-core must not use: the packages of HTTP, cluster and identity-provider code. */
  public static final List<String> NOT_FOR_MESH_CORE =
      List.of(
          "org.apache.pekko.http.",
          "org.apache.pekko.cluster.",
          "org.apache.pekko.remote.",
          "org.apache.pekko.management.",
          "org.bouncycastle.",
          "io.spiffe.",
          "io.grpc.",
          "dev.agentweave.mesh.http.",
          "dev.agentweave.mesh.cluster.",
          "dev.agentweave.mesh.identity.x509.");

  /**
   * The members of the user API that show a Pekko actor type on purpose: the node's actor system
   * (the one escape hatch of the everyday API), and the helper for actor systems a user configures
   * with SPIFFE remoting TLS of their own ({@code SpiffeRemotingTls.config}).
   */
  public static final Set<String> PEKKO_ESCAPE_HATCHES =
      Set.of(
          "dev.agentweave.mesh.node.MeshNode.actorSystem()",
          "dev.agentweave.mesh.cluster.SpiffeRemotingTls.boundTermination()");

  /** Rule 1: public signatures outside {@code internal} packages show no internal type. */
  public static final ArchRule PUBLIC_API_EXPOSES_NO_INTERNAL_TYPE =
      classes()
          .that()
          .resideOutsideOfPackage("..internal..")
          .should(
              exposeNo(
                  "an internal type",
                  t -> isInternalPackage(t.getPackageName()),
                  Set.of(),
                  pkg -> !isInternalPackage(pkg)))
          .because("internal packages are not API and may change in any release");

  /** Rule 2: user-facing signatures show no type of {@code org.apache.pekko.actor}. */
  public static final ArchRule USER_FACING_TYPES_EXPOSE_NO_PEKKO_ACTOR_TYPES =
      classes()
          .that()
          .resideOutsideOfPackages("..internal..", "..spi..")
          .should(
              exposeNo(
                  "a Pekko actor type",
                  t -> t.getPackageName().startsWith("org.apache.pekko.actor"),
                  PEKKO_ESCAPE_HATCHES,
                  pkg -> !isInternalPackage(pkg) && !pkg.contains(".spi")))
          .because(
              "users program against agents, capabilities and AgentRef, not actors;"
                  + " the escape hatches are listed in MeshArchitecture.PEKKO_ESCAPE_HATCHES");

  /** Rule 3: no module uses another module's internal packages. */
  public static final ArchRule NO_MODULE_IMPORTS_ANOTHER_MODULES_INTERNALS =
      classes()
          .should(notUseForeignInternals())
          .because("another module's internal package is not API");

  /** Rule 4: mesh-core uses no HTTP, cluster or identity-provider code. */
  public static final ArchRule MESH_CORE_IMPORTS_NO_TRANSPORT_CLUSTER_OR_IDENTITY_PROVIDER_CODE =
      coreUsesNone(MESH_CORE_PACKAGES, NOT_FOR_MESH_CORE);

  /** Rule 5: the packages of a module form no dependency cycle. */
  @ArchTest
  public static final ArchRule NO_CYCLES_BETWEEN_PACKAGES =
      slices()
          .matching("dev.agentweave.(**)")
          .should()
          .beFreeOfCycles()
          .allowEmptyShould(true)
          .because(
              "a package cycle cannot be split into modules or understood one package at a time");

  /** Rules 1 to 4, the boundaries between API, internals and modules. */
  @ArchTest public static final ArchTests BOUNDARIES = ArchTests.in(Boundaries.class);

  private MeshArchitecture() {}

  /**
   * Rules 1 to 4 without rule 5, for a module that does not yet meet rule 5 (see
   * docs/architecture.md for which, and why).
   */
  public static final class Boundaries {
    @ArchTest static final ArchRule publicApi = PUBLIC_API_EXPOSES_NO_INTERNAL_TYPE;

    @ArchTest static final ArchRule pekko = USER_FACING_TYPES_EXPOSE_NO_PEKKO_ACTOR_TYPES;

    @ArchTest static final ArchRule internals = NO_MODULE_IMPORTS_ANOTHER_MODULES_INTERNALS;

    @ArchTest
    static final ArchRule core = MESH_CORE_IMPORTS_NO_TRANSPORT_CLUSTER_OR_IDENTITY_PROVIDER_CODE;

    private Boundaries() {}
  }

  /**
   * Rule 4 for any set of packages, so that it can be shown to fail on an example.
   *
   * @param corePackages the packages that must stay clean (exactly these, not subpackages)
   * @param forbiddenPrefixes package prefixes those packages must not use, each ending in a dot
   * @return the rule
   */
  public static ArchRule coreUsesNone(List<String> corePackages, List<String> forbiddenPrefixes) {
    return classes()
        .that()
        .resideInAnyPackage(corePackages.toArray(String[]::new))
        .should(
            new ArchCondition<JavaClass>("use none of " + String.join(", ", forbiddenPrefixes)) {
              @Override
              public void check(JavaClass c, ConditionEvents events) {
                for (Dependency d : c.getDirectDependenciesFromSelf()) {
                  String target = d.getTargetClass().getBaseComponentType().getName();
                  for (String prefix : forbiddenPrefixes) {
                    if (target.startsWith(prefix)) {
                      events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                    }
                  }
                }
              }
            })
        .allowEmptyShould(true)
        .because("mesh-core runs alone; transports, clusters and identity providers plug in");
  }

  /**
   * Whether a package is an {@code internal} package.
   *
   * @param pkg a package name
   * @return true for {@code ...internal} and its subpackages
   */
  public static boolean isInternalPackage(String pkg) {
    return pkg.endsWith(".internal") || pkg.contains(".internal.");
  }

  /**
   * Imports only the classes the current module compiles: those under {@code target/classes} of the
   * working directory, which Maven's test runner sets to the module's directory. Test classes and
   * the classes of other modules are left out.
   */
  public static final class ThisModule implements ImportOption {
    private final Path root = Path.of("target", "classes").toAbsolutePath().normalize();

    /** Creates the option (ArchUnit instantiates it). */
    public ThisModule() {}

    @Override
    public boolean includes(Location location) {
      java.net.URI uri = location.asURI();
      return "file".equals(uri.getScheme()) && Path.of(uri).normalize().startsWith(root);
    }
  }

  private static ArchCondition<JavaClass> exposeNo(
      String what,
      Predicate<JavaClass> forbidden,
      Set<String> allowedMembers,
      Predicate<String> appliesToPackage) {
    return new ArchCondition<>("expose no " + what + " in a visible signature") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        if (!isVisible(c) || !appliesToPackage.test(c.getPackageName())) {
          return;
        }
        List<String> leaks = new ArrayList<>();
        List<JavaType> supertypes = new ArrayList<>(c.getInterfaces());
        c.getSuperclass().ifPresent(supertypes::add);
        for (JavaType t : supertypes) {
          leaked(t, forbidden).forEach(x -> leaks.add("supertype " + x));
        }
        for (JavaField f : c.getFields()) {
          if (visible(f) && !allowedMembers.contains(c.getName() + "." + f.getName())) {
            leaked(f.getType(), forbidden)
                .forEach(x -> leaks.add("field " + f.getName() + " of type " + x));
          }
        }
        for (JavaCodeUnit u : c.getCodeUnits()) {
          if (!visible(u)
              || u.getModifiers().contains(JavaModifier.SYNTHETIC)
              || u.getModifiers().contains(JavaModifier.BRIDGE)
              || u.getName().equals("<clinit>")
              || allowedMembers.contains(c.getName() + "." + u.getName() + "()")) {
            continue;
          }
          String name = u.getName().equals("<init>") ? "constructor" : u.getName() + "()";
          leaked(u.getReturnType(), forbidden).forEach(x -> leaks.add(name + " returns " + x));
          for (JavaType p : u.getParameterTypes()) {
            leaked(p, forbidden).forEach(x -> leaks.add(name + " takes " + x));
          }
          for (JavaClass t : u.getThrowsClause().getTypes()) {
            if (forbidden.test(t)) {
              leaks.add(name + " throws " + t.getName());
            }
          }
        }
        for (String leak : leaks) {
          events.add(
              SimpleConditionEvent.violated(c, c.getName() + " exposes " + what + ": " + leak));
        }
      }
    };
  }

  private static List<String> leaked(JavaType type, Predicate<JavaClass> forbidden) {
    List<String> out = new ArrayList<>();
    for (JavaClass raw : type.getAllInvolvedRawTypes()) {
      JavaClass base = raw.getBaseComponentType();
      if (forbidden.test(base)) {
        out.add(base.getName());
      }
    }
    return out;
  }

  private static boolean isVisible(JavaClass c) {
    JavaClass k = c;
    while (k != null) {
      if (!k.getModifiers().contains(JavaModifier.PUBLIC)) {
        return false;
      }
      k = k.getEnclosingClass().orElse(null);
    }
    return !c.isAnonymousClass() && !c.isLocalClass();
  }

  private static boolean visible(JavaMember m) {
    Set<JavaModifier> mods = m.getModifiers();
    return mods.contains(JavaModifier.PUBLIC)
        || (mods.contains(JavaModifier.PROTECTED)
            && !m.getOwner().getModifiers().contains(JavaModifier.FINAL));
  }

  private static ArchCondition<JavaClass> notUseForeignInternals() {
    return new ArchCondition<>("use no internal package of another module") {
      private final Set<String> own = new HashSet<>();

      @Override
      public void init(Collection<JavaClass> all) {
        own.clear();
        for (JavaClass c : all) {
          own.add(c.getPackageName());
        }
      }

      @Override
      public void check(JavaClass c, ConditionEvents events) {
        for (Dependency d : c.getDirectDependenciesFromSelf()) {
          String pkg = d.getTargetClass().getBaseComponentType().getPackageName();
          if (isInternalPackage(pkg) && !own.contains(pkg)) {
            events.add(SimpleConditionEvent.violated(d, d.getDescription()));
          }
        }
      }
    };
  }
}
