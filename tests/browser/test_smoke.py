def test_noegle_logs_in_and_lands_on_danish_start_page(demo_data, login, page, screenshot):
    login("noegle")
    assert page.url.endswith("/")
    assert page.locator("h1").inner_text().startswith("Goddag")
    assert "Ortopædkirurgisk Afdeling" in page.locator("main").inner_text()
    assert "Medicinsk Afdeling" not in page.locator("main").inner_text()
    screenshot("smoke-start-noegle")
    assert page.console_errors == []


def test_kdk_lands_on_hospital_group_overview(demo_data, login, page, screenshot):
    login("kdk")
    text = page.locator("main").inner_text()
    assert "Status for sygehusene" in text
    assert "Medicinsk Afdeling" in text and "Onkologisk Afdeling" in text
    screenshot("smoke-start-kdk")
    assert page.console_errors == []
