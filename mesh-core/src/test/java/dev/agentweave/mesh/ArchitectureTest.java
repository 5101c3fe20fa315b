package dev.agentweave.mesh;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import dev.agentweave.mesh.archtest.MeshArchitecture;

/**
 * The project's architecture rules 1 to 4 on the classes of mesh-core (see {@link
 * MeshArchitecture}). Rule 5, no package cycles, is not met here yet: the public API package and
 * its {@code internal} package use each other (docs/architecture.md).
 */
@AnalyzeClasses(packages = "dev.agentweave", importOptions = MeshArchitecture.ThisModule.class)
class ArchitectureTest {
  @ArchTest static final ArchTests rules = ArchTests.in(MeshArchitecture.Boundaries.class);
}
