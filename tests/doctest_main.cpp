#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

/// Counts the test cases a run selected. ctest runs each case as `--test-case=NAME`; a name that
/// doctest_discover_tests() cut in two (it splits at ';', a CMake list separator) selects nothing,
/// and doctest calls a run of nothing a success: such a case was never run by ctest.
struct SelectedCases final : doctest::IReporter {
    static inline unsigned selected = 0;
    explicit SelectedCases(const doctest::ContextOptions& /*options*/) {}
    void report_query(const doctest::QueryData& /*data*/) override {}
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats& stats) override {
        selected = stats.numTestCasesPassingFilters;
    }
    void test_case_start(const doctest::TestCaseData& /*data*/) override {}
    void test_case_reenter(const doctest::TestCaseData& /*data*/) override {}
    void test_case_end(const doctest::CurrentTestCaseStats& /*stats*/) override {}
    void test_case_exception(const doctest::TestCaseException& /*e*/) override {}
    void subcase_start(const doctest::SubcaseSignature& /*signature*/) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData& /*data*/) override {}
    void log_message(const doctest::MessageData& /*data*/) override {}
    void test_case_skipped(const doctest::TestCaseData& /*data*/) override {}
};
REGISTER_LISTENER("kiosk-selected-cases", 1, SelectedCases);

}  // namespace

// Tests read the source tree's assets, and so does every kiosk they start (the variable is
// inherited); the install test clears it to check how an installed kiosk finds its own.
int main(int argc, char** argv) {
    ::setenv("KIOSK_ASSETS_DIR", KIOSK_ASSETS_DIR, 0);
    doctest::Context context(argc, argv);
    const int rc = context.run();
    bool filtered = false, query = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        filtered = filtered || a.starts_with("--test-case=") || a.starts_with("-tc=");
        query = query || a.starts_with("--list") || a.starts_with("-l") || a.starts_with("--count") ||
                a.starts_with("-c") || a.starts_with("--help") || a.starts_with("--version");
    }
    if (rc == 0 && filtered && !query && SelectedCases::selected == 0) {
        std::fprintf(stderr,
                     "no test case matches the --test-case filter: a name that contains ';' is cut in two "
                     "by doctest_discover_tests(), so ctest never runs it; rename the case\n");
        return 1;
    }
    return rc;
}
