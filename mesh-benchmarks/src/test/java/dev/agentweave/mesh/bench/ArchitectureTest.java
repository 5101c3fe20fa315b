package dev.agentweave.mesh.bench;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import dev.agentweave.mesh.archtest.MeshArchitecture;

/**
 * The project's architecture rules on the classes of mesh-benchmarks (see {@link
 * MeshArchitecture}).
 */
@AnalyzeClasses(packages = "dev.agentweave", importOptions = MeshArchitecture.ThisModule.class)
class ArchitectureTest {
  @ArchTest static final ArchTests rules = ArchTests.in(MeshArchitecture.class);
}
