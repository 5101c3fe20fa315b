package dev.agentweave.mesh.archtest;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;

/**
 * The project's architecture rules on the classes of mesh-archtest (see {@link MeshArchitecture}).
 */
@AnalyzeClasses(packages = "dev.agentweave", importOptions = MeshArchitecture.ThisModule.class)
class ArchitectureTest {
  @ArchTest static final ArchTests rules = ArchTests.in(MeshArchitecture.class);
}
