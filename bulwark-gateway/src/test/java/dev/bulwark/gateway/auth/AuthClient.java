package dev.bulwark.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.gateway.Gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small JSON client for the auth endpoints of a running gateway. */
final class AuthClient {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Gateway gateway;

    AuthClient(Gateway gateway) {
        this.gateway = gateway;
    }

    URI uri(String path) {
        return gateway.baseUri().resolve(path);
    }

    HttpResponse<String> post(String path, Map<String, ?> body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String accessToken) throws IOException, InterruptedException {
        return send("GET", path, "Authorization", "Bearer " + accessToken);
    }

    /** Logs in at the default prefix and returns the token response; fails the test unless it is 200. */
    JsonNode login(String email, String password) throws IOException, InterruptedException {
        return login("/auth/login", email, password);
    }

    /** Logs in at {@code loginPath} and returns the token response; fails the test unless it is 200. */
    JsonNode login(String loginPath, String email, String password) throws IOException, InterruptedException {
        HttpResponse<String> response = post(loginPath, Map.of("email", email, "password", password),
                "User-Agent", "Mozilla/5.0 Firefox/130.0");
        if (response.statusCode() != 200) {
            throw new AssertionError("login failed: " + response.statusCode() + " " + response.body());
        }
        return json(response);
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }
}
