package dev.maia.cli.contract;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.report.LevelLoader;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.MessageResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.schema.SchemaValidator;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * docs/openapi.yaml as a validator of real exchanges. Every finding is an error: the validator's own
 * level files (a {@code swagger-validator.properties} on the classpath, {@code .swagger-validator} in
 * the working directory, system properties) are not consulted, so nothing outside this class can
 * soften the contract, and the findings that make it strict are named here as errors on purpose.
 */
public final class OpenApiContract {
    /** The document, from the repository root (tests run in the module's directory). */
    public static final Path DOCUMENT = Path.of("docs", "openapi.yaml");

    /**
     * Findings that would let the contract pass vacuously if they were softened: an answer with a
     * status the operation does not list, a field a closed body does not list, a request or answer
     * that matches no operation.
     */
    private static final String[] STRICT = {
            "validation.response.status.unknown",
            "validation.schema.additionalProperties",
            "validation.request.path.missing",
            "validation.request.operation.notAllowed",
            "validation.response.body.missing",
            "validation.response.header.missing",
            "validation.response.contentType.notAllowed",
    };

    private final OpenApiInteractionValidator validator;
    private final SchemaValidator schemas;
    private final OpenAPI api;
    private final String text;

    private OpenApiContract(String text) {
        this.text = text;
        LevelResolver.Builder levels = LevelResolver.create()
                .withLoader(new NoLevelFiles())
                .withDefaultLevel(ValidationReport.Level.ERROR);
        for (String key : STRICT) {
            levels.withLevel(key, ValidationReport.Level.ERROR);
        }
        LevelResolver resolver = levels.build();
        this.validator = OpenApiInteractionValidator.createForInlineApiSpecification(text)
                .withLevelResolver(resolver)
                .build();
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true);
        this.api = new OpenAPIV3Parser().readContents(text, null, options).getOpenAPI();
        this.schemas = new SchemaValidator(api, new MessageResolver(resolver));
    }

    /** The repository's docs/openapi.yaml. */
    public static OpenApiContract load() {
        return of(read(locate()));
    }

    /** A contract from a document's text (a drifted copy, in the test that shows drift is caught). */
    public static OpenApiContract of(String yaml) {
        return new OpenApiContract(yaml);
    }

    public String text() {
        return text;
    }

    /** The request and its answer against the operation the request names. */
    public ValidationReport validate(Exchange exchange) {
        return validator.validate(exchange.toRequest(), exchange.toResponse());
    }

    public ValidationReport validateRequest(Exchange exchange) {
        return validator.validateRequest(exchange.toRequest());
    }

    /** Only the answer, against the operation of the request's path and method. */
    public ValidationReport validateResponse(Exchange exchange) {
        return validator.validateResponse(exchange.path(), Request.Method.valueOf(exchange.method()), exchange.toResponse());
    }

    /**
     * A body against one of the document's schemas: for the answers that belong to no operation (405 on
     * a known path, 404 on an unknown one), which the document describes in prose and as {@code Error}.
     */
    public ValidationReport validateBody(String schemaName, String json) {
        Schema<?> schema = api.getComponents().getSchemas().get(schemaName);
        if (schema == null) {
            throw new IllegalArgumentException("the document has no schema " + schemaName);
        }
        return schemas.validate(json, schema, "response.body");
    }

    static Path locate() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(DOCUMENT))) {
                return dir.resolve(DOCUMENT);
            }
        }
        throw new IllegalStateException(DOCUMENT + " not found above " + Path.of("").toAbsolutePath());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** No level overrides from files or system properties: the levels are this class's. */
    private static final class NoLevelFiles implements LevelLoader {
        @Override
        public Map<String, ValidationReport.Level> loadLevels() {
            return Map.of();
        }

        @Override
        public Optional<ValidationReport.Level> defaultLevel() {
            return Optional.empty();
        }
    }
}
