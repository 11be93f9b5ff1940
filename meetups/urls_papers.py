"""The paper library, mounted at /papers/."""

from django.urls import path

from meetups import views

app_name = "papers"

urlpatterns = [
    path("", views.paper_list, name="paper_list"),
    path("<int:pk>/", views.paper_detail, name="paper_detail"),
]
