package dev.agentweave.mesh.a2a;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import dev.agentweave.mesh.archtest.MeshArchitecture;

/** The project's architecture rules on the classes of mesh-a2a (see {@link MeshArchitecture}). */
@AnalyzeClasses(packages = "dev.agentweave", importOptions = MeshArchitecture.ThisModule.class)
class ArchitectureTest {
  @ArchTest static final ArchTests rules = ArchTests.in(MeshArchitecture.class);
}
