package dev.agentweave.mesh.identity.x509;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.identity.IdentityException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * Reading and writing PEM: certificate chains and bundles, and PKCS#8 private keys. Private key
 * files are written with mode 0600 (owner read and write only) where the file system supports POSIX
 * permissions. Errors name the file and what was expected.
 */
public final class Pem {
  private Pem() {}

  /**
   * Reads every certificate of a PEM file, in order.
   *
   * @param file the file
   * @return the certificates, at least one
   * @throws IdentityException if the file is missing, unreadable or holds no certificate
   */
  public static List<X509Certificate> readCertificates(Path file) {
    requireNonNull(file, "file");
    try {
      return parseCertificates(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    } catch (NoSuchFileException e) {
      throw new IdentityException(file + ": no such file (expected: PEM certificates)");
    } catch (IOException e) {
      throw new IdentityException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Parses every certificate of PEM text, in order.
   *
   * @param pem the text
   * @param source a name for messages
   * @return the certificates, at least one
   * @throws IdentityException if the text holds no valid certificate
   */
  public static List<X509Certificate> parseCertificates(String pem, String source) {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      List<X509Certificate> out = new ArrayList<>();
      for (var c :
          cf.generateCertificates(
              new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IdentityException(
            source + ": no certificate found (expected: one or more PEM 'CERTIFICATE' blocks)");
      }
      return List.copyOf(out);
    } catch (CertificateException e) {
      throw new IdentityException(
          source + ": not a valid PEM certificate (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Reads a private key.
   *
   * @param file a PEM file with a PKCS#8 {@code PRIVATE KEY} block
   * @return the key
   * @throws IdentityException if the file is missing or holds no usable key
   */
  public static PrivateKey readPrivateKey(Path file) {
    requireNonNull(file, "file");
    try {
      return parsePrivateKey(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    } catch (NoSuchFileException e) {
      throw new IdentityException(file + ": no such file (expected: a PKCS#8 PEM private key)");
    } catch (IOException e) {
      throw new IdentityException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Parses a private key.
   *
   * @param pem the PEM text
   * @param source a name for messages
   * @return the key
   * @throws IdentityException if the text holds no usable key
   */
  public static PrivateKey parsePrivateKey(String pem, String source) {
    try (Reader r = new StringReader(pem);
        PEMParser parser = new PEMParser(r)) {
      Object o = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (o instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      throw new IdentityException(
          source + ": no private key found (expected: a PEM 'PRIVATE KEY' block in PKCS#8 form)");
    } catch (IOException e) {
      throw new IdentityException(
          source + ": not a valid PEM private key (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Encodes certificates as PEM.
   *
   * @param certificates the certificates
   * @return the PEM text
   */
  public static String encodeCertificates(List<X509Certificate> certificates) {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      for (X509Certificate c : certificates) {
        w.writeObject(c);
      }
    } catch (IOException e) {
      throw new IdentityException("cannot encode certificates", e);
    }
    return sw.toString();
  }

  /**
   * Encodes a private key as PKCS#8 PEM.
   *
   * @param key the key
   * @return the PEM text
   */
  public static String encodePrivateKey(PrivateKey key) {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      w.writeObject(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new IdentityException("cannot encode private key", e);
    }
    return sw.toString();
  }

  /**
   * Writes a file atomically (temporary file, then rename).
   *
   * @param file the target
   * @param content the text
   * @param secret whether the file holds a secret (mode 0600)
   */
  public static void write(Path file, String content, boolean secret) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      if (secret && supportsPosix(dir)) {
        try {
          Files.createFile(
              tmp,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
          throw new IdentityException(tmp + ": exists", e);
        }
      }
      Files.writeString(tmp, content, StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new IdentityException(file + ": cannot write (" + e.getMessage() + ")", e);
    }
  }

  private static boolean supportsPosix(Path dir) {
    return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
