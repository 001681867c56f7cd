// The check-in engine with pretix signed tickets (pretix_sig1) verified offline: keys in the
// database, one outcome per case (docs/checkin.md), our own key pairs, a real database file.
#include "core_test_util.hpp"

#include <sodium.h>
#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace kiosk::core;
using namespace kiosk::core::test;

namespace {

struct KeyPair {
    Ed25519PublicKey pk{};
    unsigned char sk[crypto_sign_SECRETKEYBYTES]{};
    KeyPair() {
        REQUIRE(sodium_init() >= 0);
        crypto_sign_keypair(pk.data(), sk);
    }
    std::string sign(const PretixTicket& t) const { return encodePretixSigned(t, sk); }
};

PretixTicket ticket(std::string seed, int64_t validFrom = 0, int64_t validUntil = 0) {
    PretixTicket t;
    t.seed = std::move(seed);
    t.item = 12;
    t.validFrom = validFrom;
    t.validUntil = validUntil;
    return t;
}

int64_t unix(const char* iso) {
    return std::chrono::duration_cast<std::chrono::seconds>(at(iso).time_since_epoch()).count();
}

struct Fixture {
    TempDb file;
    Database db = file.open();
    KeyPair first, second, stranger;
    Fixture(bool loadKeys = true) {
        REQUIRE(db.setEvent(testEvent()).ok());
        if (loadKeys) {
            const std::vector<Ed25519PublicKey> keys{first.pk, second.pk};
            REQUIRE(db.addPretixKeys(keys, "event.json", "test", kDuringDoors).value() == 2);
        }
    }
    /// An imported pretix attendee whose export carried `code` as the ticket secret.
    std::string importWith(const std::string& code, const std::string& given = "Zoë",
                           const std::string& id = "1") {
        ImportBatch b;
        b.source = "pretix";
        ImportRow r;
        r.line = 2;
        r.attendee = person(given, "Dvořák");
        r.attendee.externalSource = "pretix";
        r.attendee.externalId = id;
        r.codes = {code};
        b.rows.push_back(r);
        REQUIRE(db.applyImport(b, "test", kDuringDoors).ok());
        auto found = db.search(given, 5).value();
        REQUIRE(found.size() == 1);
        return found[0].id;
    }
    ScanResult check(const std::string& payload, TimePoint t = kDuringDoors) {
        auto r = db.checkIn(scan(payload, t));
        REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
        return std::move(r).value();
    }
};

}  // namespace

TEST_CASE("pretix_sig1 in the list: a code of the first and of the second key check in") {
    Fixture f;
    const std::string a = f.first.sign(ticket("seedAAAAA"));
    const std::string b = f.second.sign(ticket("seedBBBBB"));
    const auto zoe = f.importWith(a, "Zoë", "1");
    const auto bob = f.importWith(b, "Bob", "2");
    auto r1 = f.check(a);
    CHECK(r1.outcome == Outcome::CheckedIn);
    CHECK(r1.codeKind == "pretix");
    CHECK(r1.attendee->id == zoe);
    auto r2 = f.check(b);
    CHECK(r2.outcome == Outcome::CheckedIn);
    CHECK(r2.attendee->id == bob);
    CHECK(f.check(a).outcome == Outcome::AlreadyCheckedIn);
}

TEST_CASE("pretix_sig1: a tampered signature or a code of another key is invalid_payload and logged") {
    Fixture f;
    std::string tampered = f.first.sign(ticket("seedAAAAA"));
    // The text is reversed base64: its first characters are the end of the signature.
    tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
    REQUIRE(classifyPayload(tampered).kind == CodeKind::PretixSigned);
    auto r = f.check(tampered);
    CHECK(r.outcome == Outcome::InvalidPayload);
    CHECK_FALSE(r.caseRef.empty());
    CHECK(f.check(f.stranger.sign(ticket("seedCCCCC"))).outcome == Outcome::InvalidPayload);
    const auto refused = f.db.refusedScans(true, 10).value();
    REQUIRE(refused.size() == 2);
    CHECK(refused[0].outcome == Outcome::InvalidPayload);
    CHECK(f.db.stats().value().checkedIn == 0);
}

TEST_CASE("pretix_sig1: the ticket's own validity window, checked with the time passed in") {
    Fixture f;
    const auto t = ticket("seedWINDW", unix("2018-03-16T10:00:00Z"), unix("2018-03-16T12:00:00Z"));
    const std::string code = f.first.sign(t);
    f.importWith(code);
    CHECK(f.check(code, at("2018-03-16T09:59:59Z")).outcome == Outcome::TicketNotYetValid);
    CHECK(f.check(code, at("2018-03-16T12:00:01Z")).outcome == Outcome::TicketExpired);
    // Separate from the door times: a ticket valid all day is refused by the doors only.
    const std::string allDay = f.second.sign(ticket("seedALLDY"));
    f.importWith(allDay, "Ana", "2");
    CHECK(f.check(allDay, at("2018-03-16T07:00:00Z")).outcome == Outcome::NotOpenYet);
    // The ticket's window comes before the doors: outside both, the ticket's reason is given.
    CHECK(f.check(code, at("2018-03-16T07:00:00Z")).outcome == Outcome::TicketNotYetValid);
    CHECK(f.check(code, at("2018-03-16T10:00:00Z")).outcome == Outcome::CheckedIn);
    CHECK(reasonCode(Outcome::TicketNotYetValid) == "ticket_not_yet_valid");
    CHECK(reasonCode(Outcome::TicketExpired) == "ticket_expired");
    CHECK(outcomeFromReasonCode("ticket_expired") == Outcome::TicketExpired);
}

TEST_CASE("pretix_sig1: valid until the last second of valid-until, as pretix") {
    Fixture f;
    const std::string code = f.first.sign(ticket("seedUNTIL", 0, unix("2018-03-16T12:00:00Z")));
    f.importWith(code);
    CHECK(f.check(code, at("2018-03-16T12:00:00Z")).outcome == Outcome::CheckedIn);
}

TEST_CASE("pretix_sig1 without keys: resolved by the imported list alone, as before") {
    Fixture f(/*loadKeys=*/false);
    const KeyPair k;
    const std::string inList = k.sign(ticket("seedLISTD", unix("2018-03-16T10:00:00Z")));
    f.importWith(inList);
    CHECK(f.check(inList).outcome == Outcome::CheckedIn);  // no key: the window cannot be trusted
    CHECK(f.check(k.sign(ticket("seedOTHER"))).outcome == Outcome::UnknownCode);
}

TEST_CASE("pretix_sig1: hostile variants never admit anyone") {
    Fixture f;
    const std::string good = f.first.sign(ticket("seedHOSTL"));
    for (const std::string& bad :
         {good.substr(4), good.substr(0, good.size() - 4), good.substr(0, 20) + "!" + good.substr(21),
          std::string(good.rbegin(), good.rend()), std::string(3000, 'A') + "AQA"}) {
        INFO(bad);
        const auto r = f.check(bad);
        CHECK(r.outcome != Outcome::CheckedIn);
        CHECK((r.outcome == Outcome::InvalidPayload || r.outcome == Outcome::UnknownCode));
    }
    CHECK(f.db.stats().value().checkedIn == 0);
}

TEST_CASE("pretix keys in the database: added once, listed with fingerprints, cleared") {
    Fixture f(/*loadKeys=*/false);
    const std::vector<Ed25519PublicKey> both{f.first.pk, f.second.pk};
    CHECK(f.db.addPretixKeys(both, "a.json", "test", at("2018-03-15T10:00:00Z")).value() == 2);
    const std::vector<Ed25519PublicKey> again{f.second.pk, f.stranger.pk};
    CHECK(f.db.addPretixKeys(again, "b.pem", "test", at("2018-03-15T11:00:00Z")).value() == 1);
    const auto keys = f.db.pretixKeys().value();
    REQUIRE(keys.size() == 3);
    CHECK(keys[2].key == f.stranger.pk);
    CHECK(keys[2].fingerprint == keyFingerprint(f.stranger.pk));
    CHECK(keys[2].source == "b.pem");
    CHECK(f.db.audit(10).value()[0].action == "event.pretix_keys");
    REQUIRE(f.db.clearPretixKeys("test", kDuringDoors).ok());
    CHECK(f.db.pretixKeys().value().empty());
}

TEST_CASE("pretix_sig1 not in the list: admitted without a name, an attendee from the ticket, a desk case") {
    Fixture f;
    auto t = ticket("seedNEW01");
    t.variation = 3;
    const std::string code = f.second.sign(t);
    auto r = f.check(code);
    REQUIRE(r.outcome == Outcome::CheckedIn);
    REQUIRE(r.attendee);
    REQUIRE(r.checkin);
    CHECK(r.attendee->displayName().empty());
    CHECK(r.attendee->externalSource == "pretix_ticket");
    CHECK(r.attendee->externalId == "seedNEW01");
    CHECK(r.attendee->ticketType == "pretix item 12 / variation 3");
    CHECK(r.checkin->attendeeId == r.attendee->id);
    // The desk's case: open, for this person, under the reference the screen shows.
    CHECK_FALSE(r.caseRef.empty());
    const auto cases = f.db.refusedScans(true, 10).value();
    REQUIRE(cases.size() == 1);
    CHECK(cases[0].caseRef == r.caseRef);
    CHECK(cases[0].outcome == Outcome::CheckedIn);
    CHECK(cases[0].attendeeId == r.attendee->id);
    CHECK(f.db.stats().value().checkedIn == 1);
    CHECK(f.db.stats().value().registered == 1);
    CHECK(f.db.audit(10).value()[0].action == "attendee.from_ticket");
    // A second scan of the same ticket: the same person, already checked in; nobody new.
    auto again = f.check(code, kDuringDoors + std::chrono::minutes(1));
    CHECK(again.outcome == Outcome::AlreadyCheckedIn);
    CHECK(again.attendee->id == r.attendee->id);
    CHECK(f.db.attendees().value().size() == 1);
    // The desk names the person; the badge then carries the name.
    REQUIRE(f.db.renameForBadge(r.attendee->id, "Ana Lima", "desk").ok());
    CHECK(f.db.attendee(r.attendee->id).value()->displayName() == "Ana Lima");
}

TEST_CASE("pretix_sig1 not in the list: a repeated nonce returns the same arrival and case, nothing twice") {
    Fixture f;
    const std::string code = f.first.sign(ticket("seedNONCE"));
    auto req = scan(code, kDuringDoors, "entrance-1", "nonce-1");
    const auto a = f.db.checkIn(req).value();
    const auto b = f.db.checkIn(req).value();
    CHECK(a.outcome == Outcome::CheckedIn);
    CHECK(b.outcome == Outcome::CheckedIn);
    CHECK(b.checkin->id == a.checkin->id);
    CHECK(b.caseRef == a.caseRef);
    CHECK(f.db.attendees().value().size() == 1);
    CHECK(f.db.refusedScans(false, 10).value().size() == 1);
}

TEST_CASE("pretix_sig1 not in the list: its own window and the doors still apply - nobody is created") {
    Fixture f;
    const std::string later = f.first.sign(ticket("seedLATER", unix("2018-03-16T14:00:00Z")));
    CHECK(f.check(later).outcome == Outcome::TicketNotYetValid);
    CHECK(f.check(f.first.sign(ticket("seedEARLY")), at("2018-03-16T07:00:00Z")).outcome ==
          Outcome::NotOpenYet);
    CHECK(f.db.attendees().value().empty());
}

TEST_CASE("pretix_sig1 on pretix's revoked list: revoked although the signature is valid") {
    Fixture f;
    const std::string notListed = f.first.sign(ticket("seedREVK1"));
    const std::string listed = f.first.sign(ticket("seedREVK2"));
    f.importWith(listed);
    {
        sqlite3* raw = nullptr;
        REQUIRE(sqlite3_open(f.file.path().c_str(), &raw) == SQLITE_OK);
        const std::string sql = "INSERT INTO revoked_secrets(secret, source, added_at) VALUES ('" +
                                notListed + "', 't', 0), ('" + listed + "', 't', 0)";
        REQUIRE(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(raw);
    }
    CHECK(f.check(notListed).outcome == Outcome::Revoked);
    CHECK(f.check(listed).outcome == Outcome::Revoked);
    CHECK(f.db.attendees().value().size() == 1);
    CHECK(f.db.stats().value().checkedIn == 0);
}

namespace {
std::string runKiosk(const std::string& args, int& status) {
    const std::string out = std::filesystem::temp_directory_path().string() + "/kiosk-pretix-cli-" +
                            std::to_string(::getpid()) + ".out";
    const int rc = std::system((std::string("'") + KIOSK_EXE + "' " + args + " >" + out + " 2>&1").c_str());
    status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    std::ifstream in(out);
    std::stringstream s;
    s << in.rdbuf();
    std::filesystem::remove(out);
    return s.str();
}
}  // namespace

TEST_CASE("cli: kiosk event --pretix-keys loads pretix's event JSON and shows the fingerprints") {
    TempDb file;
    int status = -1;
    runKiosk("event --db '" + file.path() + "' --name 'Conf'", status);
    REQUIRE(status == 0);
    const std::string json = std::string(KIOSK_PAYLOAD_DATA) + "/pretix_event.json";
    const std::string out = runKiosk("event --db '" + file.path() + "' --pretix-keys '" + json + "'", status);
    CHECK(status == 0);
    const auto keys = parsePretixKeyFile(R"(-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEA7cPn53uO8geejBHekyqC02p7zOiOFMvUzfuwZE5SLeA=
-----END PUBLIC KEY-----)");
    REQUIRE(keys.ok());
    const std::string fp = keyFingerprint((*keys)[0]);
    CHECK(out.find("pretix keys: 1 new of 1") != std::string::npos);
    CHECK(out.find(fp) != std::string::npos);
    // Again, with the PEM of the same key: nothing new; --json lists it.
    const std::string pem = std::string(KIOSK_PAYLOAD_DATA) + "/pretix_key.pem";
    CHECK(
        runKiosk("event --db '" + file.path() + "' --pretix-keys '" + pem + "'", status).find("0 new of 1") !=
        std::string::npos);
    const auto j = nlohmann::json::parse(runKiosk("event --db '" + file.path() + "' --json", status));
    REQUIRE(j["pretix_keys"].size() == 1);
    CHECK(j["pretix_keys"][0]["fingerprint"] == fp);
    // A file without keys is refused with exit 2 and says what was expected.
    const std::string notKeys = file.path() + ".txt";
    std::ofstream(notKeys) << "hello\n";
    CHECK(runKiosk("event --db '" + file.path() + "' --pretix-keys '" + notKeys + "'", status)
              .find("no pretix_sig1") != std::string::npos);
    CHECK(status == 2);
    std::filesystem::remove(notKeys);
}

TEST_CASE("addRevokedSecrets: signed codes revoked in or out of the list, imported codes revoked once") {
    Fixture f;
    const std::string notListed = f.first.sign(ticket("seedRVK01"));
    const std::string listed = f.second.sign(ticket("seedRVK02"));
    const std::string fine = f.second.sign(ticket("seedRVK03"));
    f.importWith(listed);
    const auto sum =
        f.db.addRevokedSecrets({notListed, listed, "nothing-known"}, "revoked.json", "test", kDuringDoors);
    REQUIRE(sum.ok());
    CHECK(sum->listed == 3);
    CHECK(sum->added == 3);
    CHECK(sum->codesRevoked == 1);
    CHECK(f.db.addRevokedSecrets({listed}, "again.json", "test", kDuringDoors)->added == 0);
    CHECK(f.check(notListed).outcome == Outcome::Revoked);
    CHECK(f.check(listed).outcome == Outcome::Revoked);
    CHECK(f.check(fine).outcome == Outcome::CheckedIn);  // not on the list: admitted from the ticket
    CHECK(f.db.audit(10).value().size() >= 1);
}

TEST_CASE("cli: kiosk import --revoked reads pretix's list - re-importing the export keeps codes revoked") {
    TempDb file;
    int status = -1;
    runKiosk("event --db '" + file.path() + "' --name 'Conf'", status);
    REQUIRE(status == 0);
    const std::string list = file.path() + ".revoked.json";
    std::ofstream(list)
        << R"({"count": 1, "next": null, "results": [{"id": 1, "secret": "abcdefghjkmnpqrs"}]})";
    const std::string csv = file.path() + ".csv";
    std::ofstream(csv) << "Order code,Attendee name,Product,Price,Checked in,Secret\n"
                          "ABC12,Zoë Dvořák,Ticket,10.00,No,abcdefghjkmnpqrs\n"
                          "ABC13,Ana Lima,Ticket,10.00,No,bcdefghjkmnpqrst\n";
    const auto out =
        runKiosk("import --db '" + file.path() + "' --revoked '" + list + "' '" + csv + "'", status);
    INFO(out);
    CHECK(status == 0);
    CHECK(out.find("codes revoked 1") != std::string::npos);
    auto db = Database::open(file.path()).value();
    CHECK(db.checkIn(scan("abcdefghjkmnpqrs")).value().outcome == Outcome::Revoked);
    CHECK(db.checkIn(scan("bcdefghjkmnpqrst")).value().outcome == Outcome::CheckedIn);
    // The export again: the revoked code stays revoked.
    runKiosk("import --db '" + file.path() + "' '" + csv + "'", status);
    CHECK(status == 0);
    CHECK(db.checkIn(scan("abcdefghjkmnpqrs", kDuringDoors + std::chrono::minutes(1))).value().outcome ==
          Outcome::Revoked);
    // --revoked alone works too; without any file the command says what to give.
    CHECK(
        runKiosk("import --db '" + file.path() + "' --revoked '" + list + "'", status).find("new        0") !=
        std::string::npos);
    CHECK(runKiosk("import --db '" + file.path() + "'", status).find("--revoked") != std::string::npos);
    CHECK(status == 2);
    std::filesystem::remove(list);
    std::filesystem::remove(csv);
}
