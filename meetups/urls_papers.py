"""The paper library, mounted at /papers/."""

from django.urls import path

from meetups.views import papers

app_name = "papers"

urlpatterns = [
    path("", papers.paper_list, name="paper_list"),
    path("<int:pk>/", papers.paper_detail, name="paper_detail"),
]
