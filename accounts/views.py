from django.contrib.auth.decorators import login_required
from django.shortcuts import render


def login_choice(request):
    return render(request, "accounts/login_choice.html", {})


@login_required
def dashboard(request):
    return render(request, "accounts/dashboard.html", {})
