package dev.mq.infra;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import software.amazon.awscdk.App;

/**
 * CDK's recommended feature flags for the aws-cdk-lib on the class path: {@code recommended-feature-flags.json}
 * in the jsii package the aws-cdk-lib jar carries ({@code cdk init} writes the same list into cdk.json).
 */
final class RecommendedFlags {
    private static final String FILE = "package/recommended-feature-flags.json";

    private RecommendedFlags() {}

    static JsonNode ofAwsCdkLib() throws IOException {
        String jar =
                App.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        try (ZipFile zip = new ZipFile(jar)) {
            ZipEntry tgz = zip.stream()
                    .filter(e -> e.getName().matches("software/amazon/awscdk/aws-cdk-lib@.*\\.jsii\\.tgz"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no jsii package in " + jar));
            try (InputStream tar = new GZIPInputStream(zip.getInputStream(tgz), 1 << 16)) {
                return Json.MAPPER.readTree(entry(tar, FILE));
            }
        }
    }

    /** The bytes of one file of a tar stream (ustar headers: name at 0, octal size at 124, 512-byte blocks). */
    private static byte[] entry(InputStream tar, String name) throws IOException {
        byte[] header = new byte[512];
        while (tar.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
            String entryName = new String(header, 0, 100, StandardCharsets.US_ASCII).replace("\0", "");
            long size = Long.parseLong(
                    new String(header, 124, 12, StandardCharsets.US_ASCII)
                            .replace("\0", "")
                            .trim(),
                    8);
            if (entryName.equals(name)) {
                return tar.readNBytes((int) size);
            }
            tar.skipNBytes((size + 511) / 512 * 512);
        }
        throw new IllegalStateException(name + " is not in the aws-cdk-lib jsii package");
    }
}
