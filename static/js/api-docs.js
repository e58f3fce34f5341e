// The API documentation page (templates/api/docs.html): Swagger UI, from our own static
// files, reading the schema this page names. No inline script: the CSP forbids it.
(function () {
  var element = document.getElementById("swagger-ui");
  if (!element || typeof SwaggerUIBundle === "undefined") return;
  SwaggerUIBundle({
    url: element.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    deepLinking: false,
    // The page's own session reads the API; only reading methods are listed.
    supportedSubmitMethods: ["get"],
    requestInterceptor: function (request) {
      request.headers["Accept"] = request.headers["Accept"] || "application/json";
      return request;
    },
  });
})();
