import pytest

from reports import pdf


@pytest.fixture
def fetched(monkeypatch):
    """Every URL the renderer asks for, served or refused."""
    urls = []
    real = pdf.safe_url_fetcher

    def spy(url, base_url=None):
        urls.append(url)
        return real(url, base_url)

    monkeypatch.setattr(pdf, "safe_url_fetcher", spy)
    return urls
