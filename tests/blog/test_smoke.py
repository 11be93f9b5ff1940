def test_blog_list_shows_published_post(client, make_post):
    make_post(title="Hello QUIC")
    response = client.get("/blog/")
    assert response.status_code == 200
    assert "Hello QUIC" in response.text
