package dev.agentweave.mesh.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.identity.IdentityException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdentityProvidersTest {
  @Test
  void open_withoutAnIdentityModule_namesTheModuleToAdd() {
    MeshSettings settings =
        MeshSettings.parse(
            "test",
            """
            agent:
              name: a
              trust_domain: test.local
              environment: development
            identity:
              provider: dev-ca
            """,
            Map.of());
    assertThatThrownBy(() -> IdentityProviders.open(settings))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("identity.provider: 'dev-ca'")
        .hasMessageContaining("dev.agentweave:mesh-identity")
        .hasMessageContaining("found: none");
  }

  @Test
  void meshCore_carriesNoCryptographyWorkloadApiOrGrpcLibrary() {
    for (String name :
        new String[] {
          "org.bouncycastle.cert.X509v3CertificateBuilder",
          "io.spiffe.workloadapi.WorkloadApiClient",
          "io.grpc.ManagedChannel",
          "dev.agentweave.mesh.identity.x509.IdentitySources"
        }) {
      assertThat(present(name)).as(name).isFalse();
    }
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, IdentityProvidersTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
