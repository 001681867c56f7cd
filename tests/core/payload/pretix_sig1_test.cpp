// pretix signed tickets (pretix_sig1): envelope, protobuf wire reader, keys, signatures.
// Codes are made with our own Ed25519 key pairs, plus two made once with pretix's own primitives
// (data/pretix_event.json) so the decoder is checked against an independent encoder.
#include <kiosk/core/payload.hpp>

#include <doctest/doctest.h>
#include <sodium.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace kiosk::core;

namespace {

struct KeyPair {
    Ed25519PublicKey pk{};
    unsigned char sk[crypto_sign_SECRETKEYBYTES]{};
    KeyPair() {
        REQUIRE(sodium_init() >= 0);
        crypto_sign_keypair(pk.data(), sk);
    }
};

PretixTicket ticket(std::string seed = "Zx8kQ2mPq", int64_t item = 12) {
    PretixTicket t;
    t.seed = std::move(seed);
    t.item = item;
    t.variation = 3;
    return t;
}

/// Raw envelope bytes → what a QR code holds (standard base64, reversed).
std::string wrap(const std::string& raw) {
    std::string b64(sodium_base64_encoded_len(raw.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    b64.resize(b64.find('\0'));
    return std::string(b64.rbegin(), b64.rend());
}

/// The inverse, for tampering: the decoded envelope bytes of a code.
std::string unwrap(const std::string& code) {
    const std::string b64(code.rbegin(), code.rend());
    std::string raw(b64.size(), '\0');
    std::size_t len = 0;
    REQUIRE(sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), b64.data(),
                              b64.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) == 0);
    raw.resize(len);
    return raw;
}

std::string envelope(unsigned char version, const std::string& payload, const std::string& sig) {
    std::string raw;
    raw += static_cast<char>(version);
    raw += static_cast<char>(payload.size() >> 8);
    raw += static_cast<char>(payload.size() & 0xFF);
    raw += static_cast<char>(sig.size() >> 8);
    raw += static_cast<char>(sig.size() & 0xFF);
    return raw + payload + sig;
}

std::string readData(const char* name) {
    std::ifstream in(std::string(KIOSK_PAYLOAD_DATA) + "/" + name, std::ios::binary);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<Ed25519PublicKey> one(const KeyPair& k) {
    return {k.pk};
}

}  // namespace

TEST_CASE("pretix_sig1: a code signed with our key verifies and yields the ticket") {
    const KeyPair k;
    auto t = ticket();
    t.subevent = 4;
    t.validFrom = 1521187200;
    t.validUntil = 1521225000;
    const std::string code = encodePretixSigned(t, k.sk);
    CHECK(code.size() > 100);
    CHECK(code.substr(code.size() - 3) == "AQA");  // version 1 + payload length < 256, reversed
    CHECK(classifyPayload(code).kind == CodeKind::PretixSigned);
    const auto v = verifyPretixSigned(code, one(k));
    REQUIRE(v.check == PretixCheck::Valid);
    CHECK(v.ticket == t);
    CHECK(v.keyIndex == 0);
}

TEST_CASE("pretix_sig1: with two keys loaded, codes of the first and of the second key verify") {
    const KeyPair first, second;
    const std::vector<Ed25519PublicKey> keys{first.pk, second.pk};
    const auto a = verifyPretixSigned(encodePretixSigned(ticket("seedfirst"), first.sk), keys);
    const auto b = verifyPretixSigned(encodePretixSigned(ticket("seedsecnd"), second.sk), keys);
    REQUIRE(a.check == PretixCheck::Valid);
    REQUIRE(b.check == PretixCheck::Valid);
    CHECK(a.keyIndex == 0);
    CHECK(b.keyIndex == 1);
    CHECK(b.ticket.seed == "seedsecnd");
}

TEST_CASE("pretix_sig1: a code of another key is a bad signature") {
    const KeyPair ours, theirs;
    CHECK(verifyPretixSigned(encodePretixSigned(ticket(), theirs.sk), one(ours)).check ==
          PretixCheck::BadSignature);
    CHECK(verifyPretixSigned(encodePretixSigned(ticket(), theirs.sk), {}).check == PretixCheck::BadSignature);
}

TEST_CASE("pretix_sig1: a tampered signature or payload is a bad signature") {
    const KeyPair k;
    const std::string raw = unwrap(encodePretixSigned(ticket(), k.sk));
    for (std::size_t i : {raw.size() - 1, raw.size() - 64}) {  // last and first byte of the signature
        std::string bad = raw;
        bad[i] = static_cast<char>(bad[i] ^ 0x01);
        CHECK(verifyPretixSigned(wrap(bad), one(k)).check == PretixCheck::BadSignature);
    }
    // Another product in the same envelope, the signature left as it was.
    const auto env = decodePretixEnvelope(encodePretixSigned(ticket(), k.sk));
    REQUIRE(env);
    const std::string otherItem = serializePretixTicket(ticket("Zx8kQ2mPq", 13));
    REQUIRE(otherItem.size() == env->payload.size());
    const std::string forged = wrap(envelope(1, otherItem, env->signature));
    CHECK(decodePretixEnvelope(forged).has_value());
    CHECK(verifyPretixSigned(forged, one(k)).check == PretixCheck::BadSignature);
}

TEST_CASE("pretix_sig1: codes made with pretix's own primitives verify with the key from its event JSON") {
    const std::string json = readData("pretix_event.json");
    auto keys = parsePretixKeyFile(json);
    REQUIRE(keys.ok());
    REQUIRE(keys->size() == 1);
    const auto fixture = nlohmann::json::parse(json);
    for (const auto& t : fixture["test_tickets"]) {
        const auto v = verifyPretixSigned(t["code"].get<std::string>(), *keys);
        REQUIRE(v.check == PretixCheck::Valid);
        CHECK(v.ticket.seed == t["seed"].get<std::string>());
        CHECK(v.ticket.item == t["item"].get<int64_t>());
        CHECK(v.ticket.variation == t["variation"].get<int64_t>());
        CHECK(v.ticket.validFrom == t["vf"].get<int64_t>());
        CHECK(v.ticket.validUntil == t["vu"].get<int64_t>());
        // Our encoder writes the same protobuf bytes as the independent one.
        CHECK(serializePretixTicket(v.ticket) == decodePretixEnvelope(t["code"].get<std::string>())->payload);
    }
    // The same key as the PEM file (openssl pkey -pubout).
    auto pem = parsePretixKeyFile(readData("pretix_key.pem"));
    REQUIRE(pem.ok());
    CHECK(*pem == *keys);
}

TEST_CASE("pretix_sig1: hostile envelopes are malformed, never read out of bounds") {
    const KeyPair k;
    const std::string good = encodePretixSigned(ticket(), k.sk);
    const std::string raw = unwrap(good);
    const auto env = decodePretixEnvelope(good);
    REQUIRE(env);
    auto malformed = [&](const std::string& code) {
        INFO(code);
        CHECK_FALSE(decodePretixEnvelope(code).has_value());
        CHECK(verifyPretixSigned(code, one(k)).check == PretixCheck::Malformed);
    };
    SUBCASE("truncated") {
        malformed(good.substr(4));                   // the end of the signature is gone
        malformed(good.substr(0, good.size() - 4));  // the version byte and lengths are gone
        malformed(wrap(raw.substr(0, raw.size() - 1)));
        malformed(wrap(raw.substr(0, 3)));
        malformed("");
    }
    SUBCASE("huge lengths") {
        malformed(wrap(envelope(1, env->payload, env->signature).replace(1, 2, "\xFF\xFF")));
        malformed(wrap(envelope(1, env->payload, env->signature).replace(3, 2, "\xFF\xFF")));
        malformed(wrap(envelope(1, env->payload, env->signature).replace(3, 2, std::string("\x00\x00", 2))));
        malformed(wrap(envelope(1, env->payload, env->signature.substr(0, 63))));
        malformed(wrap(raw + "X"));  // bytes beyond the announced lengths
    }
    SUBCASE("bad base64") {
        malformed(good.substr(0, 20) + "!" + good.substr(21));
        malformed(good.substr(0, 20) + "-" + good.substr(21));  // URL-safe alphabet is not pretix's
        malformed(std::string(good.rbegin(), good.rend()));     // not reversed
        malformed("AQA");
        malformed(std::string(5000, 'A'));  // longer than any payload we read
    }
    SUBCASE("wrong version byte") {
        malformed(wrap(envelope(0x02, env->payload, env->signature)));
        malformed(wrap(envelope(0x00, env->payload, env->signature)));
    }
    SUBCASE("a validly signed payload that is not protobuf") {
        const std::string junk = "\x0f\xff\xff";
        unsigned char sig[crypto_sign_BYTES];
        crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(junk.data()), junk.size(),
                             k.sk);
        CHECK(verifyPretixSigned(
                  wrap(envelope(1, junk, std::string(reinterpret_cast<char*>(sig), sizeof sig))), one(k))
                  .check == PretixCheck::Malformed);
    }
}

TEST_CASE("protobuf reader: fields, defaults, negative int64, last occurrence wins") {
    PretixTicket t;
    t.seed = "abc";
    t.item = -1;  // ten-byte varint
    t.validUntil = INT64_MAX;
    const std::string bytes = serializePretixTicket(t);
    auto back = parsePretixTicket(bytes);
    REQUIRE(back);
    CHECK(*back == t);
    CHECK(parsePretixTicket("").value() == PretixTicket{});  // proto3: every field at its default
    auto twice = parsePretixTicket(std::string("\x10\x05\x10\x07", 4));
    REQUIRE(twice);
    CHECK(twice->item == 7);
}

TEST_CASE("protobuf reader: unknown fields of every wire type are skipped") {
    const std::string known = serializePretixTicket(ticket());
    std::string withUnknown = known;
    withUnknown += std::string("\x38\x96\x01", 3);                // field 7, varint 150
    withUnknown += std::string("\x41") + std::string(8, '\x01');  // field 8, fixed64
    withUnknown += std::string("\x4a\x03xyz");                    // field 9, bytes
    withUnknown += std::string("\x55") + std::string(4, '\x02');  // field 10, fixed32
    withUnknown += std::string("\xf8\xff\xff\xff\x0f\x01", 6);    // field 2^29-1, varint
    auto t = parsePretixTicket(withUnknown);
    REQUIRE(t);
    CHECK(*t == ticket());
}

TEST_CASE("protobuf reader: hostile messages are refused") {
    auto refused = [](const std::string& bytes) {
        INFO(bytes.size());
        CHECK_FALSE(parsePretixTicket(bytes).has_value());
    };
    refused(std::string("\x10", 1));                                               // tag without a value
    refused(std::string("\x10\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12));  // varint of 11 bytes
    refused(std::string("\x10\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 11));      // more than 64 bits
    refused(
        std::string("\x0a\x05"
                    "abc",
                    5));  // length beyond the input
    refused(
        std::string("\x0a\xff\xff\xff\xff\x0f"
                    "abc",
                    9));                                                   // a 4 GiB length
    refused(std::string("\x4a\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 10));  // unknown field, huge length
    refused(std::string("\x41\x01\x02", 3));                               // fixed64 cut short
    refused(std::string("\x0b\x0c", 2));                                   // a group
    refused(std::string("\x0e", 1));                                       // wire type 6
    refused(std::string("\x08\x01", 2));                                   // seed as a varint
    refused(std::string("\x12\x01x", 3));                                  // item as bytes
    refused(std::string("\x00\x01", 2));                                   // field 0
    refused(std::string("\x80\x80\x80\x80\x10\x01", 6));                   // field 2^29 (too large)
    refused("\x0a\x02\xc3\x28");                                           // seed not UTF-8
    refused("\x0a\x81\x02" + std::string(257, 'a'));                       // seed over 256 bytes
    CHECK(parsePretixTicket("\x0a\x80\x02" + std::string(256, 'a')).has_value());
}

TEST_CASE("pretix keys: PEM round trip, several keys, fingerprints") {
    const KeyPair a, b;
    const std::string pem = ed25519Pem(a.pk);
    CHECK(pem.rfind("-----BEGIN PUBLIC KEY-----\n", 0) == 0);
    CHECK(parseEd25519Pem(pem).value() == a.pk);
    // Line breaks inside the base64, CRLF, text around the blocks.
    std::string crlf =
        "comment\r\n" + pem.substr(0, 40) + "\r\n" + pem.substr(40) + "\r\n" + ed25519Pem(b.pk);
    auto keys = parsePretixKeyFile(crlf);
    REQUIRE(keys.ok());
    REQUIRE(keys->size() == 2);
    CHECK((*keys)[0] == a.pk);
    CHECK((*keys)[1] == b.pk);
    const std::string fp = keyFingerprint(a.pk);
    CHECK(fp.size() == 23);
    CHECK(std::count(fp.begin(), fp.end(), ':') == 7);
    CHECK(fp == keyFingerprint(a.pk));
    CHECK(fp != keyFingerprint(b.pk));
    // The fingerprint is SHA-256 over the DER the PEM carries.
    const std::string b64 = pem.substr(27, pem.find("\n-----END") - 27);
    unsigned char der[64];
    std::size_t len = 0;
    REQUIRE(sodium_base642bin(der, sizeof der, b64.data(), b64.size(), nullptr, &len, nullptr,
                              sodium_base64_VARIANT_ORIGINAL) == 0);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, der, len);
    char hex[8];
    std::snprintf(hex, sizeof hex, "%02x:%02x", h[0], h[1]);
    CHECK(fp.substr(0, 5) == hex);
}

TEST_CASE("pretix keys: the event JSON with two valid keys (rotation), base64 of a PEM alone") {
    const KeyPair a, b;
    auto b64 = [](const std::string& s) {
        std::string out(sodium_base64_encoded_len(s.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
        sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(s.data()), s.size(),
                          sodium_base64_VARIANT_ORIGINAL);
        out.resize(out.find('\0'));
        return out;
    };
    nlohmann::json ev = {{"slug", "conf"},
                         {"valid_keys", {{"pretix_sig1", {b64(ed25519Pem(a.pk)), b64(ed25519Pem(b.pk))}}}}};
    auto keys = parsePretixKeyFile(ev.dump(2));
    REQUIRE(keys.ok());
    CHECK(*keys == std::vector<Ed25519PublicKey>{a.pk, b.pk});
    auto alone = parsePretixKeyFile(b64(ed25519Pem(b.pk)) + "\n");
    REQUIRE(alone.ok());
    CHECK(*alone == std::vector<Ed25519PublicKey>{b.pk});
}

TEST_CASE("pretix keys: files without a usable key say what was expected") {
    CHECK(parsePretixKeyFile("{\"slug\": \"conf\"}").error().code == "pretix_keys.no_keys");
    CHECK(parsePretixKeyFile("{\"valid_keys\": {\"pretix_sig1\": []}}").error().code ==
          "pretix_keys.no_keys");
    CHECK(parsePretixKeyFile("{\"valid_keys\": {\"pretix_sig1\": [\"bm90IGEgcGVt\"]}}").error().code ==
          "pretix_keys.bad_key");
    CHECK(parsePretixKeyFile("{ not json").error().code == "pretix_keys.json");
    CHECK(parsePretixKeyFile("").error().code == "pretix_keys.no_keys");
    CHECK(parsePretixKeyFile("hello").error().code == "pretix_keys.no_keys");
    // An RSA key in PEM: the SPKI prefix is not Ed25519's.
    const std::string rsa =
        "-----BEGIN PUBLIC KEY-----\nMFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAL6SGdCVnD1OulIXsfAp4Bl7bHpKNrQY\n"
        "Ux7PVYh+k7lfJ+tVbpklX4N3m2nBfScKCBebyNYBxvAawYLGmgXuoJ8CAwEAAQ==\n-----END PUBLIC KEY-----\n";
    CHECK(parsePretixKeyFile(rsa).error().code == "pretix_keys.bad_key");
    CHECK_FALSE(parseEd25519Pem(rsa).has_value());
    CHECK(parsePretixKeyFile("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n").error().code ==
          "pretix_keys.bad_key");
}
