// pretix's revoked-secrets list (kiosk/core/src/import/revoked.cpp): the REST API's JSON and
// plain text, as `kiosk import --revoked FILE` reads them.
#include <kiosk/core.hpp>

#include <doctest/doctest.h>

using namespace kiosk::core;

TEST_CASE("revoked list: pretix's REST API JSON, one page and a page with more to come") {
    const auto one = parseRevokedSecrets(R"({"count": 2, "next": null, "previous": null, "results": [
        {"id": 1, "secret": "k24fiuwvu8kxz3y1", "created": "2020-09-18T14:17:40.971519Z"},
        {"id": 2, "secret": "==AAAzym+cYGRNiz", "created": "2020-09-18T14:17:44.190021Z"}]})");
    REQUIRE(one.ok());
    CHECK(one->secrets == std::vector<std::string>{"k24fiuwvu8kxz3y1", "==AAAzym+cYGRNiz"});
    CHECK_FALSE(one->morePages);
    const auto page = parseRevokedSecrets(
        R"({"count": 120, "next": "https://pretix.eu/api/v1/organizers/o/events/e/revokedsecrets/?page=2", "results": [{"secret": "a"}]})");
    REQUIRE(page.ok());
    CHECK(page->morePages);
    CHECK(parseRevokedSecrets(R"([{"secret": "x"}, "y"])").value().secrets ==
          std::vector<std::string>{"x", "y"});
}

TEST_CASE("revoked list: one secret per line, CRLF, BOM, blank and comment lines") {
    const auto l = parseRevokedSecrets("\xEF\xBB\xBF# exported 2026-03-15\r\nabc\r\n\r\n  def  \nghi");
    REQUIRE(l.ok());
    CHECK(l->secrets == std::vector<std::string>{"abc", "def", "ghi"});
    CHECK(parseRevokedSecrets("").value().secrets.empty());
}

TEST_CASE("revoked list: JSON without a list says what was expected") {
    CHECK(parseRevokedSecrets(R"({"slug": "e"})").error().code == "revoked.no_results");
    CHECK(parseRevokedSecrets(R"({"results": [{"id": 1}]})").error().code == "revoked.bad_entry");
    CHECK(parseRevokedSecrets("{ nope").error().code == "revoked.json");
}
